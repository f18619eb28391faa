import { createServer } from 'node:net';

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive ports free on loopback right now, for a server that lays
 * its ports out from one base. Always between 20000 and 32767: below the
 * kernel's ephemeral range (32768+), so no port the OS hands out on its own (an
 * outgoing connection, a Temporal dev server's internal services started
 * alongside) can take it before its server binds; and below 32768 because
 * Temporal stores membership ports as a PostgreSQL smallint.
 */
export async function freePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (12_000 - count));
    let free = true;
    for (let port = base; free && port < base + count; port++) free = await canListen(port);
    if (free) return base;
  }
  throw new Error(`No ${count} consecutive free ports found on 127.0.0.1`);
}

/** A TCP port free on loopback right now, outside the ephemeral range (see `freePortBlock`). */
export function freePort(): Promise<number> {
  return freePortBlock(1);
}
