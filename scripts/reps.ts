/**
 * Sales rep management. For scripts, only the result goes to stdout:
 *   npm run --silent reps -- add --id <repId> --team <team> [--capacity N] [--lead] [--name <name>] [--email <email>]   prints the rep id
 *   npm run --silent reps -- list                                                                                      prints one rep per line
 *   npm run --silent reps -- deactivate --id <repId>     stops routing to the rep and disables their API keys and console login
 *   npm run --silent reps -- activate --id <repId>       puts the rep (and their unrevoked keys and login) back
 */
import { listReps, setRepActive, upsertRep } from '../db/reps';
import { EmailSchema, TeamSchema } from '../domain';
import { parseArgs, runCli, UsageError, withCliDatabase } from './cli-database';

const USAGE = `usage:
  npm run --silent reps -- add --id <repId> --team <${TeamSchema.options.join('|')}> [--capacity N] [--lead] [--name <name>] [--email <email>]
  npm run --silent reps -- list
  npm run --silent reps -- deactivate --id <repId>
  npm run --silent reps -- activate --id <repId>`;

const REP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

runCli(USAGE, async () => {
  const [command, ...rest] = process.argv.slice(2);
  const { options, positional } = parseArgs(rest, ['lead']);
  if (command === 'add') {
    if (positional.length > 0) throw new UsageError(`Unexpected argument "${positional[0]}"`);
    const id = options.get('id');
    if (typeof id !== 'string' || !REP_ID.test(id)) throw new UsageError('--id must be 1-64 letters, digits, dots, dashes or underscores');
    const team = TeamSchema.safeParse(options.get('team'));
    if (!team.success) throw new UsageError(`--team must be one of ${TeamSchema.options.join(', ')}`);
    const capacityArg = options.get('capacity') ?? '25';
    const capacity = Number(capacityArg);
    if (typeof capacityArg !== 'string' || !Number.isInteger(capacity) || capacity < 0) throw new UsageError('--capacity must be a whole number, 0 or more');
    const emailArg = options.get('email');
    const email = emailArg === undefined ? null : EmailSchema.safeParse(emailArg);
    if (email && !email.success) throw new UsageError('--email must be an email address');
    const name = options.get('name');
    await withCliDatabase(async (db) => {
      await upsertRep(db.pool, {
        repId: id,
        name: typeof name === 'string' ? name : id,
        email: email?.data ?? null,
        team: team.data,
        capacity,
        isTeamLead: options.get('lead') === true,
      });
      process.stderr.write(`rep ${id} in ${team.data} (capacity ${capacity}${options.get('lead') ? ', team lead' : ''}) saved (${db.where})\n`);
      process.stdout.write(`${id}\n`);
    });
    return;
  }
  if (command === 'list') {
    await withCliDatabase(async (db) => {
      for (const r of await listReps(db.pool)) {
        process.stdout.write(`${r.repId}\t${r.team}\t${r.capacity}\t${r.isTeamLead ? 'lead' : 'rep'}\t${r.active ? 'active' : 'inactive'}\n`);
      }
    });
    return;
  }
  if (command === 'deactivate' || command === 'activate') {
    const id = options.get('id');
    if (typeof id !== 'string' || !REP_ID.test(id)) throw new UsageError('--id must be 1-64 letters, digits, dots, dashes or underscores');
    await withCliDatabase(async (db) => {
      if (!(await setRepActive(db.pool, id, command === 'activate'))) throw new UsageError(`No rep "${id}"`);
      process.stderr.write(`rep ${id} ${command}d${command === 'deactivate' ? ': no new leads, API keys and console login disabled' : ''} (${db.where})\n`);
    });
    return;
  }
  throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
});
