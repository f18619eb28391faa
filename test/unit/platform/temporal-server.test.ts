import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { leadSearchAttributes } from '../../../workflows/search-attributes';
import { leadSearchAttributeTypes } from '../../../platform/temporal-schema';
import { resolveTemporalServerTools, temporalServerPorts, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../../platform/temporal-server';

describe('Temporal server set-up', () => {
  it("registers each search attribute with the operator API's code for its type", () => {
    const codes = temporal.api.enums.v1.IndexedValueType as unknown as Record<string, number>;
    expect(leadSearchAttributeTypes()).toEqual(leadSearchAttributes.map((key) => ({ name: key.name, type: codes[`INDEXED_VALUE_TYPE_${key.type}`] })));
  });

  it('lays out ten distinct ports from the frontend port, membership ports within a smallint', () => {
    const ports = temporalServerPorts(32_758);
    const all = [ports.frontend, ports.history, ports.matching, ports.worker, ...ports.membership, ports.http, ports.metrics];
    expect(new Set(all).size).toBe(all.length);
    expect(Math.max(...ports.membership)).toBeLessThanOrEqual(32_767);
  });
});

describe('finding the Temporal server tools', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'leadgate-server-tools-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const fake = (dir: string, name: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(dir, name), 0o755);
    return path.join(dir, name);
  };

  it('uses the builds cached under LEADGATE_TOOLS_DIR, one folder per release, without needing Go', async () => {
    const tools = path.join(root, 'cached');
    const serverDir = path.join(tools, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
    const expected = { server: fake(serverDir, 'server'), sql: fake(serverDir, 'sql'), ui: fake(path.join(tools, `temporal-ui-${TEMPORAL_UI_VERSION}`), 'server') };
    await expect(resolveTemporalServerTools({ env: { PATH: '/nonexistent', LEADGATE_TOOLS_DIR: tools } })).resolves.toEqual(expected);
  });

  it('says Go is needed when a build is missing and Go is not on PATH', async () => {
    const env = { PATH: '/nonexistent', LEADGATE_TOOLS_DIR: path.join(root, 'empty') };
    await expect(resolveTemporalServerTools({ env, ui: false })).rejects.toThrow(/go\.temporal\.io\/server\/cmd\/server@v1\.29\.1 .*needs Go 1\.25\+ on PATH/);
  });
});
