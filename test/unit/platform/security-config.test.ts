import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../config/config';
import { embeddedPostgresPassword } from '../../../platform/embedded-postgres-password';
import { REDACTED_PATHS } from '../../../platform/logger';
import { temporalConnectionOptions } from '../../../platform/temporal-connection';
import { signWebhook, verifyWebhook } from '../../../platform/webhook-signature';
import pino from 'pino';

describe('webhook signatures', () => {
  const secret = 'a-webhook-secret-of-at-least-32-chars';
  const body = JSON.stringify({ kind: 'lead_assigned', leadId: 'lead_0123456789abcdef0123' });
  const now = new Date('2026-11-27T10:00:00Z');

  it('verifies what it signed, over the exact body, within the tolerance', () => {
    const header = signWebhook(secret, body, now);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, header, body, 300, now)).toBe(true);
    expect(verifyWebhook(secret, header, `${body} `, 300, now)).toBe(false);
    expect(verifyWebhook('another-secret-of-at-least-32-chars!', header, body, 300, now)).toBe(false);
    expect(verifyWebhook(secret, header, body, 300, new Date(now.getTime() + 301_000))).toBe(false);
    expect(verifyWebhook(secret, undefined, body, 300, now)).toBe(false);
    expect(verifyWebhook(secret, 't=abc,v1=zz', body, 300, now)).toBe(false);
  });

  it('refuses a webhook URL without a signing secret, naming the variable', () => {
    expect(() => loadConfig({ NOTIFY_WEBHOOK_URL: 'https://hooks.example/leadgate' })).toThrow(/NOTIFY_WEBHOOK_SECRET: Required with NOTIFY_WEBHOOK_URL/);
    expect(loadConfig({ NOTIFY_WEBHOOK_URL: 'https://hooks.example/leadgate', NOTIFY_WEBHOOK_SECRET: secret }).NOTIFY_WEBHOOK_SECRET).toBe(secret);
  });
});

describe('Temporal connection security', () => {
  it('connects in plain text to a local server when nothing is set', () => {
    expect(temporalConnectionOptions(loadConfig({}), 'localhost:7233')).toEqual({ address: 'localhost:7233', tls: false });
  });

  it('uses TLS with the API key (Temporal Cloud), and mTLS with the CA, client pair and server name', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_API_KEY: 'cloud-key' }), 'ns.tmprl.cloud:7233')).toEqual({ address: 'ns.tmprl.cloud:7233', tls: {}, apiKey: 'cloud-key' });
    const dir = mkdtempSync(path.join(tmpdir(), 'leadgate-tls-'));
    try {
      for (const f of ['ca.pem', 'client.pem', 'client.key']) writeFileSync(path.join(dir, f), `-----${f}-----`);
      const config = loadConfig({
        TEMPORAL_TLS_CA: path.join(dir, 'ca.pem'), TEMPORAL_TLS_CERT: path.join(dir, 'client.pem'), TEMPORAL_TLS_KEY: path.join(dir, 'client.key'), TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      });
      const { tls } = temporalConnectionOptions(config, 'temporal:7233');
      expect(tls).toMatchObject({ serverNameOverride: 'temporal.internal' });
      expect(tls && Buffer.from(tls.serverRootCACertificate!).toString()).toBe('-----ca.pem-----');
      expect(tls && Buffer.from(tls.clientCertPair!.key).toString()).toBe('-----client.key-----');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a client certificate without its key', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: '/etc/leadgate/client.pem' })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: '/etc/leadgate/client.pem' })).toThrow(/TEMPORAL_TLS_KEY: mTLS needs both/);
  });
});

describe('log redaction', () => {
  it('censors keys, tokens, cookies and passwords wherever a caller nests them', () => {
    const lines: string[] = [];
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, { write: (line: string) => void lines.push(line) });
    log.warn({ demoKeys: { manager: 'lg_secret1' }, key: 'lg_secret2', created: { key: 'lg_secret3' }, req: { headers: { cookie: 'leadgate_codec=lg_secret4' } }, a: { b: { key: 'lg_secret5' } } }, 'x');
    expect(lines.join('')).not.toMatch(/lg_secret/);
  });
});

describe('embedded PostgreSQL password', () => {
  it('is random for a new cluster, owner-only beside its data folder, and the same on every later start', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leadgate-pgpass-'));
    try {
      const dataDir = path.join(dir, 'postgres');
      const first = embeddedPostgresPassword(dataDir);
      expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(statSync(path.join(dir, 'postgres-password')).mode & 0o777).toBe(0o600);
      expect(embeddedPostgresPassword(dataDir)).toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the fixed password a cluster was initialised with before passwords were generated', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leadgate-pgpass-'));
    try {
      mkdirSync(path.join(dir, 'postgres'));
      writeFileSync(path.join(dir, 'postgres', 'PG_VERSION'), '18\n');
      expect(embeddedPostgresPassword(path.join(dir, 'postgres'))).toBe('leadgate-local');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
