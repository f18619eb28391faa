/**
 * API key management. For scripts, only the result goes to stdout:
 *   npm run --silent keys -- create --role <intake|rep|manager> [--rep <repId>] [--label <text>]   prints the key
 *   npm run --silent keys -- revoke <keyId>                                                        prints the key id
 *   npm run --silent keys -- list                                                                  prints one key per line (never the secret)
 */
import { API_ROLES, createApiKey, listApiKeys, revokeApiKey, type ApiRole } from '../db/api-keys';
import { parseArgs, runCli, UsageError, withCliDatabase } from './cli-database';

const USAGE = `usage:
  npm run --silent keys -- create --role <${API_ROLES.join('|')}> [--rep <repId>] [--label <text>]
  npm run --silent keys -- revoke <keyId>
  npm run --silent keys -- list`;

runCli(USAGE, async () => {
  const [command, ...rest] = process.argv.slice(2);
  const { options, positional } = parseArgs(rest);
  if (command === 'create') {
    const role = options.get('role');
    if (typeof role !== 'string' || !API_ROLES.includes(role as ApiRole)) throw new UsageError(`--role must be one of ${API_ROLES.join(', ')}`);
    const rep = options.get('rep');
    const label = options.get('label');
    await withCliDatabase(async (db) => {
      const created = await createApiKey(db.pool, {
        role: role as ApiRole,
        repId: typeof rep === 'string' ? rep : null,
        label: typeof label === 'string' ? label : null,
      });
      process.stderr.write(`created ${role} key ${created.keyId}${typeof rep === 'string' ? ` for rep ${rep}` : ''} (${db.where}); it is shown once\n`);
      process.stdout.write(`${created.key}\n`);
    });
    return;
  }
  if (command === 'revoke') {
    const keyId = positional[0];
    if (!keyId || positional.length > 1) throw new UsageError('revoke takes one key id');
    await withCliDatabase(async (db) => {
      if (!(await revokeApiKey(db.pool, keyId))) throw new Error(`No live key ${keyId}`);
      process.stdout.write(`${keyId}\n`);
    });
    return;
  }
  if (command === 'list') {
    await withCliDatabase(async (db) => {
      for (const k of await listApiKeys(db.pool)) {
        const status = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
        process.stdout.write(`${k.keyId}\t${k.role}\t${k.repId ?? '-'}\t${status}\t${k.label ?? ''}\n`);
      }
    });
    return;
  }
  throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
});
