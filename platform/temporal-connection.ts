/**
 * Every connection LeadGate opens to Temporal — API clients, workers, scripts —
 * is built here, so TLS, mTLS and the Temporal Cloud API key apply to all of
 * them alike, and every client carries the encrypting data converter.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/config';
import { leadDataConverter } from './data-converter';
import type { PayloadKey } from './payload-codec';

type SecurityConfig = Pick<Config, 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CA' | 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_SERVER_NAME' | 'TEMPORAL_API_KEY'>;

/** `false` for a plain local connection; otherwise the TLS settings (files read once, at connect). */
export function temporalTls(config: SecurityConfig): TLSConfig | false {
  const wanted = config.TEMPORAL_TLS || config.TEMPORAL_TLS_CA || config.TEMPORAL_TLS_CERT || config.TEMPORAL_TLS_SERVER_NAME || config.TEMPORAL_API_KEY;
  if (!wanted) return false;
  return {
    ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(config.TEMPORAL_TLS_CA ? { serverRootCACertificate: readFileSync(config.TEMPORAL_TLS_CA) } : {}),
    ...(config.TEMPORAL_TLS_CERT && config.TEMPORAL_TLS_KEY
      ? { clientCertPair: { crt: readFileSync(config.TEMPORAL_TLS_CERT), key: readFileSync(config.TEMPORAL_TLS_KEY) } }
      : {}),
  };
}

export function temporalConnectionOptions(config: SecurityConfig, address: string) {
  return {
    address,
    tls: temporalTls(config),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

export interface TemporalClient {
  client: Client;
  close(): Promise<void>;
}

export async function connectTemporalClient(
  config: SecurityConfig & Pick<Config, 'TEMPORAL_NAMESPACE' | 'LEADGATE_ACCEPT_PLAIN_PAYLOADS'>,
  address: string,
  keys: readonly PayloadKey[],
): Promise<TemporalClient> {
  const connection = await Connection.connect(temporalConnectionOptions(config, address));
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: leadDataConverter(keys, { acceptPlain: config.LEADGATE_ACCEPT_PLAIN_PAYLOADS }) });
  return { client, close: () => connection.close() };
}

export function connectTemporalWorker(config: SecurityConfig, address: string): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(config, address));
}
