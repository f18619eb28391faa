import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { leadSearchAttributes } from '../../../workflows/search-attributes';
import { ConfigSchema } from '../../../config/config';

/** No Docker engine runs here, so the production topology is checked statically. */
describe('docker-compose.yml', () => {
  const root = path.join(__dirname, '..', '..', '..');
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string>; ports?: string[]; depends_on?: Record<string, unknown>; healthcheck?: unknown; command?: unknown }>;
    volumes: Record<string, unknown>;
  };
  const services = compose.services;
  /** What `docker compose` would pass for a required `${VAR:?message}` the operator sets. */
  const interpolated = (env: Record<string, string>) =>
    Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/^\$\{LEADGATE_PAYLOAD_KEYS:\?[^}]*\}$/, `k1:${Buffer.alloc(32, 7).toString('base64')}`)]));

  it('describes the production topology', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'temporal', 'temporal-postgres', 'temporal-setup', 'temporal-ui', 'worker']);
  });

  it('gives every long-running service a health check and every dependency a defined service', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'temporal-setup') expect({ name, healthcheck: Boolean(service.healthcheck) }).toEqual({ name, healthcheck: true });
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(Object.keys(services)).toContain(dependency);
    }
  });

  it('runs Temporal on PostgreSQL and registers LeadGate search attributes', () => {
    expect(services.temporal?.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'temporal-postgres' });
    const setup = JSON.stringify(services['temporal-setup']?.command);
    for (const key of leadSearchAttributes) expect(setup).toContain(`--name ${key.name}`);
  });

  it('wires API and worker with configuration LeadGate accepts, pointing at services that exist', () => {
    for (const name of ['api', 'worker']) {
      const env = services[name]?.environment ?? {};
      expect(() => ConfigSchema.parse(interpolated(env))).not.toThrow();
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      const dbHost = new URL(env.DATABASE_URL!).hostname;
      expect(Object.keys(services)).toContain(dbHost);
    }
    expect(services.api?.ports).toContain(`${services.api?.environment?.API_PORT}:3000`);
    expect(services.worker?.image).toBe(services.api?.image);
  });

  it('publishes Temporal frontend and UI on loopback only', () => {
    for (const name of ['temporal', 'temporal-ui']) {
      const ports = services[name]?.ports ?? [];
      expect(ports.length).toBeGreaterThan(0);
      for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });

  it('starts API and worker without demo data and refuses to start them without payload keys', () => {
    for (const name of ['api', 'worker']) {
      const env = services[name]?.environment ?? {};
      expect(env.SEED_DEMO_DATA).toBe('false');
      // `${VAR:?msg}`: compose itself stops when the operator has not set the keys.
      expect(env.LEADGATE_PAYLOAD_KEYS).toMatch(/^\$\{LEADGATE_PAYLOAD_KEYS:\?.+\}$/);
    }
    expect(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT).toMatch(/\/codec$/);
  });

  it('declares every named volume it mounts', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['leadgate-db', 'temporal-db']);
  });
});
