import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { DEV_SERVER_TUNING, devServerArgs, LIFTED_SHARD_READS, ONE_WRITE_PARTITION } from '../../../platform/temporal-dev-server';
import { resolveTemporalCli, resolveTemporalCliBinary } from '../../../platform/temporal-cli';

function executable(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

describe('finding the Temporal CLI', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'leadgate-cli-'));
  const explicit = executable(path.join(root, 'explicit'), 'temporal-custom');
  const onPath = executable(path.join(root, 'path-bin'), 'temporal');
  const toolsDir = path.join(root, 'tools');
  const local = executable(path.join(toolsDir, 'bin'), 'temporal');
  const emptyTools = path.join(root, 'no-tools');
  const silent = () => undefined;
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['TEMPORAL_CLI_PATH first', { TEMPORAL_CLI_PATH: explicit, PATH: path.dirname(onPath), LEADGATE_TOOLS_DIR: toolsDir }, explicit, 'TEMPORAL_CLI_PATH'],
    ['then `temporal` on PATH', { PATH: path.dirname(onPath), LEADGATE_TOOLS_DIR: toolsDir }, onPath, 'PATH'],
    ['then the project build', { PATH: '/nonexistent', LEADGATE_TOOLS_DIR: toolsDir }, local, 'project build'],
  ])('%s', async (_name, env, expectedPath, expectedSource) => {
    await expect(resolveTemporalCli({ env, log: silent })).resolves.toEqual({ kind: 'binary', path: expectedPath, source: expectedSource });
  });

  it('falls back to the SDK download, saying what to install to avoid it, when there is no binary and no Go', async () => {
    const lines: string[] = [];
    const cli = await resolveTemporalCli({ env: { PATH: '/nonexistent', LEADGATE_TOOLS_DIR: emptyTools }, log: (l) => lines.push(l) });
    expect(cli).toEqual({ kind: 'sdk-download' });
    expect(lines.join('\n')).toMatch(/needs internet.*install Go .*or install the Temporal CLI, or set TEMPORAL_CLI_PATH/);
  });

  it('refuses the SDK download where the binary itself is needed, saying what to install', async () => {
    await expect(resolveTemporalCliBinary('Recording histories', { env: { PATH: '/nonexistent', LEADGATE_TOOLS_DIR: emptyTools }, log: silent })).rejects.toThrow(
      /Recording histories needs the Temporal CLI binary: install Go 1\.22\+/,
    );
  });

  it('refuses a TEMPORAL_CLI_PATH that is not executable, naming it', async () => {
    await expect(resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: path.join(root, 'missing') }, log: silent })).rejects.toThrow(
      /TEMPORAL_CLI_PATH=.*missing is not an executable/,
    );
  });
});

describe('dev server command line', () => {
  const cli = { kind: 'binary', path: '/usr/local/bin/temporal', source: 'PATH' } as const;
  const args = devServerArgs({ cli, port: 7999, namespace: 'default', dbFile: '/tmp/t.db', fastSqlite: true });
  const pairs = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

  it('registers every LeadGate search attribute with its type', () => {
    expect(pairs('--search-attribute')).toEqual([
      'LeadStage=Keyword', 'LeadTeam=Keyword', 'LeadOutcome=Keyword', 'LeadScore=Int', 'LeadOwner=Keyword', 'LeadReengageAt=Datetime',
    ]);
  });

  it('enables Updates the way the SDK launcher does', () => {
    expect(pairs('--dynamic-config-value')).toEqual(
      expect.arrayContaining(['frontend.enableUpdateWorkflowExecution=true', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true']),
    );
  });

  it('persists to the SQLite file with WAL pragmas when asked, and runs headless without a UI port', () => {
    expect(pairs('--db-filename')).toEqual(['/tmp/t.db']);
    expect(pairs('--sqlite-pragma')).toEqual(['journal_mode=wal', 'synchronous=off']);
    expect(args).toContain('--headless');
  });

  it("lifts the single shard's 20 task reads a second and writes one task-queue partition, unless the stock server is asked for", () => {
    expect(DEV_SERVER_TUNING).toEqual([...LIFTED_SHARD_READS, ...ONE_WRITE_PARTITION]);
    expect(pairs('--dynamic-config-value')).toEqual(expect.arrayContaining(DEV_SERVER_TUNING));
    // Reads keep every partition, so tasks an older dev server wrote to the others still drain.
    expect(pairs('--dynamic-config-value').filter((v) => v?.startsWith('matching.numTaskqueueReadPartitions'))).toEqual([]);
    const stock = devServerArgs({ cli, port: 7999, namespace: 'default', stock: true });
    expect(stock.filter((a) => DEV_SERVER_TUNING.includes(a))).toEqual([]);
  });

  it("writes one partition on LeadGate's own Temporal server too (config/temporal/dynamic.yaml), the same setting as the dev server's", () => {
    const cluster = parse(readFileSync(path.join(__dirname, '..', '..', '..', 'config', 'temporal', 'dynamic.yaml'), 'utf8')) as Record<string, Array<{ value: unknown }>>;
    const asDevServerValues = Object.entries(cluster).map(([key, [first]]) => `${key}=${JSON.stringify(first?.value)}`);
    expect(asDevServerValues).toEqual(expect.arrayContaining(ONE_WRITE_PARTITION));
    expect(Object.keys(cluster).filter((key) => key.startsWith('matching.numTaskqueueReadPartitions'))).toEqual([]);
  });

  it('appends extra dynamic config after the defaults', () => {
    const extra = devServerArgs({ cli, port: 7999, namespace: 'default', dynamicConfig: ['history.transferProcessorMaxPollRPS=10000'] });
    const values = extra.flatMap((a, i) => (a === '--dynamic-config-value' ? [extra[i + 1]] : []));
    expect(values.at(-1)).toBe('history.transferProcessorMaxPollRPS=10000');
    expect(values).toContain('frontend.enableUpdateWorkflowExecution=true');
  });
});
