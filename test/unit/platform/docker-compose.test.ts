import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { leadSearchAttributes } from '../../../workflows/search-attributes';
import { ConfigSchema } from '../../../config/config';
import { TEMPORAL_DATABASES, TEMPORAL_SERVER_ARGS, temporalServerEnv, temporalServerPorts } from '../../../platform/temporal-server';

/** No Docker engine runs here, so the production topology is checked statically. */
describe('docker-compose.yml', () => {
  const root = path.join(__dirname, '..', '..', '..');
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string>; ports?: string[]; volumes?: string[]; depends_on?: Record<string, unknown>; healthcheck?: unknown; command?: unknown }>;
    volumes: Record<string, unknown>;
  };
  const services = compose.services;
  /** What `docker compose` would pass for a required `${VAR:?message}` the operator sets. */
  const interpolated = (env: Record<string, string>) =>
    Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/^\$\{LEADGATE_PAYLOAD_KEYS:\?[^}]*\}$/, `k1:${Buffer.alloc(32, 7).toString('base64')}`)]));

  it('describes the production topology', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'temporal', 'temporal-postgres', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker']);
  });

  it('gives every long-running service a health check and every dependency a defined service', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!['temporal-schema', 'temporal-setup'].includes(name)) expect({ name, healthcheck: Boolean(service.healthcheck) }).toEqual({ name, healthcheck: true });
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(Object.keys(services)).toContain(dependency);
    }
  });

  it('runs Temporal on PostgreSQL and registers LeadGate search attributes', () => {
    expect(services.temporal?.environment).toMatchObject({ POSTGRES_SEEDS: 'temporal-postgres' });
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

  describe('the Temporal server config both this file and `npm run cluster` start from', () => {
    const template = readFileSync(path.join(root, 'config', 'temporal', 'server.yaml'), 'utf8');
    const read = new Set([...template.matchAll(/env "([A-Z_]+)"/g)].map((m) => m[1]!));
    // The template fails on these when unset: {{- range list "A" "B" }}{{ if not (env .) }}{{ fail ... }}
    const required = new Set([...(template.match(/range list((?: "[A-Z_]+")+) }}{{ if not \(env \.\) }}{{ fail/)?.[1]?.matchAll(/"([A-Z_]+)"/g) ?? [])].map((m) => m[1]!));
    for (const name of required) read.add(name);
    const temporal = services.temporal!;
    const composeEnv = Object.keys(temporal.environment ?? {});
    const clusterEnv = Object.keys(
      temporalServerEnv({ postgres: { host: 'h', port: 1, user: 'u', password: 'p' }, persistenceDatabase: 'a', visibilityDatabase: 'b', port: 7233, historyShards: 4 }),
    );

    it('is a template the server renders, reading its settings from variables', () => {
      expect(template.split('\n')[0]).toBe('# enable-template');
      expect(required.size).toBeGreaterThan(0);
    });

    it('is mounted into the server container and started with the same arguments', () => {
      expect(temporal.volumes).toContain('./config/temporal:/etc/temporal/config/temporal:ro');
      expect(JSON.stringify(temporal.command)).toContain(`--root /etc/temporal ${TEMPORAL_SERVER_ARGS.join(' ')}`);
      expect(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH).toBe('/etc/temporal/config/temporal/dynamic.yaml');
    });

    it("checks health on the frontend's HTTP port as the template lays it out", () => {
      const { http } = temporalServerPorts(Number(temporal.environment?.FRONTEND_GRPC_PORT));
      expect(JSON.stringify(temporal.healthcheck)).toContain(`http://127.0.0.1:${http}/api/v1/cluster-info`);
    });

    it.each([
      ['docker-compose.yml', composeEnv],
      ['npm run cluster', clusterEnv],
    ])('%s sets every required variable and none the template ignores', (_who, names) => {
      for (const name of required) expect(names).toContain(name);
      for (const name of names) expect([...read]).toContain(name);
    });

    it("sets up Temporal's two databases, named as the server expects, with the schema tool's own schemas", () => {
      expect(temporal.environment).toMatchObject({ DBNAME: TEMPORAL_DATABASES.persistence, VISIBILITY_DBNAME: TEMPORAL_DATABASES.visibility });
      const schema = JSON.stringify(services['temporal-schema']?.command);
      expect(schema).toContain(`${TEMPORAL_DATABASES.persistence}:temporal ${TEMPORAL_DATABASES.visibility}:visibility`);
      for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema --schema-name postgresql/v12/$$schema']) expect(schema).toContain(step);
      expect(services.temporal?.depends_on).toHaveProperty('temporal-schema');
    });
  });
});
