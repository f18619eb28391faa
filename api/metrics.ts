/**
 * Prometheus metrics for the API, on a registry per app (tests build several
 * apps in one process). Outcomes come from the read model, so they count leads
 * decided by timers as well as by rep actions; those counts are cached for
 * GAUGE_TTL_MS, so scrapes (however many, however often) cost the database at
 * most one grouped count per gauge in that time.
 */
import { Router, type RequestHandler } from 'express';
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  leadsStarted: Counter<'via'>;
  intakeSubmissions: Counter<'status'>;
  updateRejections: Counter<'action' | 'reason' | 'decided_by'>;
}

const GAUGE_TTL_MS = 30_000;

type Counts = Array<{ label: string; n: number }>;

/** The latest reading, re-read at most once per TTL; concurrent scrapes share one query. */
function cachedReading<T>(read: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; reading: Promise<T> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > GAUGE_TTL_MS) {
      const reading = read();
      cached = { at: Date.now(), reading };
      // A failed read is not cached: the next scrape tries again.
      reading.catch(() => (cached = undefined));
    }
    return cached.reading;
  };
}

export function createMetrics(options: { pool: Pool; defaultMetrics?: boolean }): ApiMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'leadgate_api_' });
  const httpDuration = new Histogram({
    name: 'leadgate_http_request_duration_seconds',
    help: 'HTTP request latency by route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const leadsStarted = new Counter({
    name: 'leadgate_leads_started_total',
    help: 'Lead workflows this API started, by how the lead arrived (post or import).',
    labelNames: ['via'] as const,
    registers: [registry],
  });
  const intakeSubmissions = new Counter({
    name: 'leadgate_intake_submissions_total',
    help: 'Intake submissions by result: accepted (new lead), duplicate, reopened, recorded, queued, invalid.',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const updateRejections = new Counter({
    name: 'leadgate_update_rejections_total',
    help: 'Rep actions refused, by action and reason; decided_by tells whether the API or the workflow validator refused.',
    labelNames: ['action', 'reason', 'decided_by'] as const,
    registers: [registry],
  });
  const countBy = (sql: string) => cachedReading<Counts>(async () => (await options.pool.query<{ label: string; n: number }>(sql)).rows);
  const outcomes = countBy('SELECT status AS label, count(*)::int AS n FROM lead_outcomes GROUP BY status');
  const stages = countBy('SELECT stage AS label, count(*)::int AS n FROM leads GROUP BY stage');
  new Gauge({
    name: 'leadgate_lead_outcomes',
    help: 'Outcomes recorded in the read model (one per lead and qualification cycle), by status (refreshed at most every 30 s).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await outcomes();
      this.reset();
      for (const row of rows) this.set({ status: row.label }, row.n);
    },
  });
  new Gauge({
    name: 'leadgate_leads_by_stage',
    help: 'Leads in the read model by current stage (refreshed at most every 30 s).',
    labelNames: ['stage'] as const,
    registers: [registry],
    async collect() {
      const rows = await stages();
      this.reset();
      for (const row of rows) this.set({ stage: row.label }, row.n);
    },
  });
  const pending = cachedReading(async () => {
    const { rows } = await options.pool.query<{ n: number; oldest: number }>(
      `SELECT count(*)::int AS n, COALESCE(floor(extract(epoch FROM now() - min(created_at))), 0)::int AS oldest FROM intake_outbox WHERE status = 'pending'`,
    );
    return rows[0]!;
  });
  new Gauge({
    name: 'leadgate_intake_pending',
    help: 'Submissions kept in PostgreSQL and not yet handed to Temporal (the relay hands them over; refreshed at most every 30 s).',
    registers: [registry],
    async collect() {
      this.set((await pending()).n);
    },
  });
  new Gauge({
    name: 'leadgate_intake_pending_oldest_seconds',
    help: 'Age of the oldest submission not yet handed to Temporal; seconds at most in normal running. Alert when it grows: Temporal away, or a hand-over the relay keeps retrying.',
    registers: [registry],
    async collect() {
      this.set((await pending()).oldest);
    },
  });
  return { registry, httpDuration, leadsStarted, intakeSubmissions, updateRejections };
}

export function metricsRouter(metrics: ApiMetrics, guards: RequestHandler[] = []): Router {
  const router = Router();
  router.get('/metrics', ...guards, async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.type(metrics.registry.contentType).send(body);
  });
  return router;
}
