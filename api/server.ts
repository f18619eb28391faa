import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../config/config';
import type { Logger } from '../platform/logger';
import { LEAD_TASK_QUEUE } from '../workflows/ids';
import { createApp } from './app';

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

/** Connects to Temporal and serves the API until stopped. */
export async function startApi(config: Config, deps: { address: string; pool: Pool; log: Logger }): Promise<RunningApi> {
  const connection = await Connection.connect({ address: deps.address });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({ temporal, namespace: config.TEMPORAL_NAMESPACE, taskQueue: LEAD_TASK_QUEUE, pool: deps.pool, log: deps.log, config });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.API_PORT, config.API_HOST, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.API_PORT;
  const url = `http://${config.API_HOST}:${port}`;
  deps.log.info({ url }, 'api listening');
  return {
    url,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await connection.close();
    },
  };
}
