/**
 * Console logins. For scripts, only the result goes to stdout:
 *   npm run --silent users -- add --email <email> --role <rep|manager> [--rep <repId>] [--name <name>]   prints the generated password (shown once)
 *   npm run --silent users -- deactivate <email|userId>                                              prints the email or id
 *   npm run --silent users -- list                                                                   prints one login per line (never a password)
 * With --password-stdin the password is read from stdin (one line) instead of generated.
 */
import { loadConfig } from '../config/config';
import { EmailSchema } from '../domain';
import { createUser, deactivateUser, generatePassword, listUsers, UserError, USER_ROLES, type UserRole } from '../db/users';
import { parseArgs, runCli, UsageError, withCliDatabase } from './cli-database';

const USAGE = `usage:
  npm run --silent users -- add --email <email> --role <${USER_ROLES.join('|')}> [--rep <repId>] [--name <name>] [--password-stdin]
  npm run --silent users -- deactivate <email|userId>
  npm run --silent users -- list`;

/** The first line of stdin: a password chosen by the caller, never seen in the process list or shell history. */
async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!password) throw new UsageError('--password-stdin: no password on stdin');
  return password;
}

runCli(USAGE, async () => {
  const [command, ...rest] = process.argv.slice(2);
  const { options, positional } = parseArgs(rest, ['password-stdin']);
  if (command === 'add') {
    const email = EmailSchema.safeParse(options.get('email'));
    if (!email.success) throw new UsageError('--email must be an email address');
    const role = options.get('role');
    if (typeof role !== 'string' || !USER_ROLES.includes(role as UserRole)) throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
    const rep = options.get('rep');
    const name = options.get('name');
    const chosen = options.get('password-stdin') === true;
    const password = chosen ? await passwordFromStdin() : generatePassword();
    await withCliDatabase(async (db) => {
      try {
        const user = await createUser(
          db.pool,
          { email: email.data, name: typeof name === 'string' ? name : email.data, role: role as UserRole, repId: typeof rep === 'string' ? rep : null, password, createdBy: 'cli' },
          loadConfig().PASSWORD_HASH_COST,
        );
        process.stderr.write(`login ${user.email} (${user.role}${user.repId ? ` ${user.repId}` : ''}) created (${db.where}); sign in at /app\n`);
      } catch (error) {
        if (error instanceof UserError) throw new UsageError(`${error.field}: ${error.message}`);
        throw error;
      }
      if (!chosen) process.stdout.write(`${password}\n`);
    });
    return;
  }
  if (command === 'deactivate') {
    const target = positional[0];
    if (!target) throw new UsageError('Give the email or user id to deactivate');
    await withCliDatabase(async (db) => {
      if (!(await deactivateUser(db.pool, target))) throw new Error(`No active login "${target}"`);
      process.stderr.write(`login ${target} deactivated; its sessions ended\n`);
      process.stdout.write(`${target}\n`);
    });
    return;
  }
  if (command === 'list') {
    await withCliDatabase(async (db) => {
      for (const u of await listUsers(db.pool)) {
        process.stdout.write(`${u.userId}\t${u.email}\t${u.role}\t${u.repId ?? '-'}\t${u.active ? 'active' : 'inactive'}\n`);
      }
    });
    return;
  }
  throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
});
