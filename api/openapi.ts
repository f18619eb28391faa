/**
 * `GET /openapi.json` (OpenAPI 3.1) generated at start-up from the same zod
 * schemas the routers parse with — never written by hand — and `GET /docs`, a
 * plain page rendered from that document (no scripts, nothing fetched).
 */
import { Router } from 'express';
import { z } from 'zod';
import {
  CommercialSchema,
  DiscoverySchema,
  DisqualifySchema,
  EngagementEventSchema,
  LeadIntakeSchema,
  RulesetSchema,
  ScopeSchema,
} from '../domain';
import { LEAD_ACTIONS } from '../domain/actions';
import { LeadViewSchema } from '../domain/lead-view';
import type { ApiRole } from '../db/api-keys';
import { CONSOLE_COMPONENTS, CONSOLE_OPERATIONS } from './console-openapi';
import { IMPORT_COLUMNS, MAX_IMPORT_ROWS, REQUIRED_COLUMNS } from './lead-import';
import {
  ActiveRulesetSchema,
  FunnelQuerySchema,
  FunnelReportSchema,
  ImportReportSchema,
  LeadAcceptedSchema,
  LeadListQuerySchema,
  LeadPageSchema,
  LeadSummarySchema,
  ProblemSchema,
  ReengageSchema,
  ReopenSchema,
  SignalAcceptedSchema,
  ActionRecordingSchema,
  SimulateRequestSchema,
  SimulationResponseSchema,
} from './schemas';

const COMPONENTS = {
  LeadIntake: LeadIntakeSchema,
  Discovery: DiscoverySchema,
  Scope: ScopeSchema,
  Commercial: CommercialSchema,
  Disqualify: DisqualifySchema,
  EngagementEvent: EngagementEventSchema,
  Reengage: ReengageSchema,
  Reopen: ReopenSchema,
  LeadView: LeadViewSchema,
  LeadAccepted: LeadAcceptedSchema,
  LeadSummary: LeadSummarySchema,
  LeadPage: LeadPageSchema,
  SignalAccepted: SignalAcceptedSchema,
  ActionRecording: ActionRecordingSchema,
  ImportReport: ImportReportSchema,
  FunnelReport: FunnelReportSchema,
  Ruleset: RulesetSchema,
  ActiveRuleset: ActiveRulesetSchema,
  SimulateRequest: SimulateRequestSchema,
  SimulationResponse: SimulationResponseSchema,
  Problem: ProblemSchema,
  ...CONSOLE_COMPONENTS,
} satisfies Record<string, z.ZodType>;
type ComponentName = keyof typeof COMPONENTS;

export interface Operation {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  description?: string;
  roles?: ApiRole[];
  body?: ComponentName | 'csv';
  query?: z.ZodObject;
  pathId?: boolean;
  pathParams?: Array<{ name: string; description: string }>;
  headers?: Array<{ name: string; description: string }>;
  ok: { status: number; schema?: ComponentName; description: string; contentType?: string };
  /** A second success answer, e.g. a rep action taken but not yet recorded. */
  alsoOk?: { status: number; schema: ComponentName; description: string };
  errors: number[];
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request (invalid JSON, query parameter, header or cursor)',
  401: 'Missing, unknown or revoked API key',
  403: "The key's role may not do this",
  404: 'No such lead: also the answer to a rep asking about another rep\'s lead, and to anything not shaped like a lead id (`lead_` and 20 hex digits)',
  409: 'The lead is in a stage where this action does not apply (or is closed)',
  413: 'Body larger than the limit',
  415: 'Wrong Content-Type',
  422: 'Invalid fields, listed in `errors`',
  429: 'A request budget is spent (per client address, per key, intake leads per key, or engagement events per lead); see Retry-After',
  503: 'Temporal or PostgreSQL not reachable, or the lead did not answer in time',
};

const CSV_DESCRIPTION = `One lead per row. The header names the columns: ${Object.keys(IMPORT_COLUMNS).map((c) => `\`${c}\``).join(', ')}; `
  + `required: ${REQUIRED_COLUMNS.map((c) => `\`${c}\``).join(', ')}. List cells separate items with \`;\`; booleans are true/false/yes/no; `
  + `an empty \`source\` means \`outbound_list\`. At most ${MAX_IMPORT_ROWS} rows.`;

const RECORDING = {
  status: 202,
  schema: 'ActionRecording',
  description: 'Taken by the lead, but its write waits on the database (seconds at most, unless the database is away): it is recorded exactly once; `Location` points at the lead. Retrying the same request joins it and, once it is recorded, answers 200 with the lead.',
} as const;

export const OPERATIONS: Operation[] = [
  {
    method: 'post', path: '/v1/leads', summary: 'Submit a lead', roles: ['intake', 'manager'], body: 'LeadIntake',
    description: 'Validated, written to the database, then handed to the lead\'s workflow. The same contact email and company domain, or the same `Idempotency-Key`, never starts a second workflow: the answer carries the same `leadId`. `status` says what happened: `accepted` (a new lead), `duplicate` (the running lead got it, or a replayed key), `reopened` (a closed lead opened as a new cycle, by the ruleset\'s reopen rules), `recorded` (a closed lead that does not reopen: the submission is on its audit trail, and a won lead\'s owner is told), `queued` (the workflow service is not reachable: the submission is kept and handed over as soon as it is).',
    headers: [{ name: 'Idempotency-Key', description: 'Optional. A replay with the same key and body answers `duplicate` with the first lead id; the same key with a different body is a 422.' }],
    ok: { status: 202, schema: 'LeadAccepted', description: 'Accepted; `Location` points at the lead' },
    errors: [400, 401, 403, 413, 415, 422, 429, 503],
  },
  {
    method: 'post', path: '/v1/leads/import', summary: 'Import an outbound list (CSV)', roles: ['intake', 'manager'], body: 'csv',
    description: 'Each row is reported as accepted, duplicate (earlier in the file or already known: nothing is started or woken), invalid (with the failing fields) or failed. One bad row never stops the batch.',
    ok: { status: 200, schema: 'ImportReport', description: 'Per-row report' },
    errors: [400, 401, 403, 413, 415, 429],
  },
  {
    method: 'get', path: '/v1/leads', summary: 'List leads', roles: ['rep', 'manager'], query: LeadListQuerySchema,
    description: 'Filters combine with AND. Stable order: creation time, then lead id; pass `nextCursor` back as `cursor` for the next page. A rep key lists its own leads.',
    ok: { status: 200, schema: 'LeadPage', description: 'A page of leads' },
    errors: [400, 401, 403],
  },
  {
    method: 'get', path: '/v1/leads/{id}', summary: 'One lead', roles: ['rep', 'manager'], pathId: true,
    description: 'The live workflow state while the lead runs (header `X-Lead-State-Source: live`), the read model once it closed or when the workflow does not answer quickly; `events` is the whole audit trail.',
    ok: { status: 200, schema: 'LeadView', description: 'The lead' },
    errors: [401, 403, 404, 503],
  },
  ...(['discovery', 'scope', 'commercial'] as const).map((step): Operation => ({
    method: 'post', path: `/v1/leads/{id}/${step}`, summary: `Submit ${step} findings`, roles: [...LEAD_ACTIONS[step].roles], pathId: true,
    body: ({ discovery: 'Discovery', scope: 'Scope', commercial: 'Commercial' } as const)[step],
    description: step === 'discovery' ? 'May carry `scope` and `commercial` sections too, so one call can complete the whole path.' : undefined,
    ok: { status: 200, schema: 'LeadView', description: 'Applied; the new state of the lead' },
    alsoOk: RECORDING,
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 503],
  })),
  {
    method: 'post', path: '/v1/leads/{id}/disqualify', summary: 'Disqualify a lead', roles: [...LEAD_ACTIONS.disqualify.roles], pathId: true, body: 'Disqualify',
    description: 'A reason code and a specific note; a vague note ("good fit") is refused with 422.',
    ok: { status: 200, schema: 'LeadView', description: 'Closed; the new state of the lead' },
    alsoOk: RECORDING,
    errors: [400, 401, 403, 404, 409, 415, 422, 503],
  },
  {
    method: 'post', path: '/v1/leads/{id}/engagement', summary: 'Record an engagement event', roles: [...LEAD_ACTIONS.engagement.roles], pathId: true, body: 'EngagementEvent',
    description: 'At most `ENGAGEMENT_RATE_LIMIT_PER_MINUTE` events a minute per lead; beyond that, 429 with Retry-After.',
    ok: { status: 202, schema: 'SignalAccepted', description: 'Handed to the lead' },
    errors: [400, 401, 403, 404, 409, 415, 422, 429, 503],
  },
  {
    method: 'post', path: '/v1/leads/{id}/reengage', summary: 'Wake a nurturing lead now', roles: [...LEAD_ACTIONS.reengage.roles], pathId: true, body: 'Reengage',
    description: 'The lead is routed again at once instead of at its re-engagement date. The body is optional.',
    ok: { status: 202, schema: 'SignalAccepted', description: 'Handed to the lead' },
    errors: [401, 403, 404, 409, 415, 422, 503],
  },
  {
    method: 'post', path: '/v1/leads/{id}/reopen', summary: 'Reopen a closed lead', roles: [...LEAD_ACTIONS.reopen.roles], pathId: true, body: 'Reopen',
    description: 'Opens a closed lead as a new cycle on the same lead id (fit check, routing, the rep is notified), keeping its earlier outcomes and audit trail; also after the workflow service has removed the closed run. The body is optional; a `note` is kept with the new cycle. Two reopens at the same moment open one cycle: the other answers `duplicate`.',
    ok: { status: 202, schema: 'LeadAccepted', description: '`reopened`, or `duplicate` when another reopen won' },
    errors: [401, 403, 404, 409, 415, 422, 503],
  },
  {
    method: 'get', path: '/v1/reports/funnel', summary: 'Funnel report', roles: ['manager'], query: FunnelQuerySchema,
    description: 'Over leads created in [from, to) (default: the last 30 days).',
    ok: { status: 200, schema: 'FunnelReport', description: 'The funnel' },
    errors: [400, 401, 403],
  },
  {
    method: 'get', path: '/v1/rules/active', summary: 'The active ruleset', roles: ['manager'],
    ok: { status: 200, schema: 'ActiveRuleset', description: 'Version and content' },
    errors: [401, 403],
  },
  {
    method: 'post', path: '/v1/rules/simulate', summary: 'What-if: a candidate ruleset over past leads', roles: ['manager'], body: 'SimulateRequest',
    description: 'Re-decides the selected leads (by ids, or created in a range of at most 92 days) under the candidate rules and compares with what was decided. Nothing is written.',
    ok: { status: 200, schema: 'SimulationResponse', description: 'Before and after per lead, with totals' },
    errors: [400, 401, 403, 413, 415, 422],
  },
  ...CONSOLE_OPERATIONS,
  { method: 'get', path: '/healthz', summary: 'The process answers', ok: { status: 200, description: 'Alive' }, errors: [] },
  { method: 'get', path: '/readyz', summary: 'Temporal, PostgreSQL and the schema are usable', ok: { status: 200, description: 'Ready (503 when not)' }, errors: [] },
  {
    method: 'get', path: '/metrics', summary: 'Prometheus metrics', roles: ['manager'],
    description: 'Needs a manager key here; with METRICS_PORT set it is served on that listener instead, without a key, and not on this one.',
    ok: { status: 200, description: 'Text exposition format', contentType: 'text/plain' }, errors: [401, 403],
  },
];

const withoutKeys = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { io: 'input', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(
    Object.entries(generated.schemas).map(([id, schema]) => {
      return [id, withoutKeys(schema as Record<string, unknown>, ['$schema', '$id'])];
    }),
  );
}

function queryParameters(schema: z.ZodObject) {
  return Object.entries(schema.shape).map(([name, field]) => {
    const json = z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return { name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, schema: withoutKeys(json, ['$schema']) };
  });
}

function operationObject(op: Operation) {
  const parameters: unknown[] = [];
  if (op.pathId) parameters.push({ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'Lead id' });
  for (const p of op.pathParams ?? []) parameters.push({ name: p.name, in: 'path', required: true, schema: { type: 'string' }, description: p.description });
  if (op.query) parameters.push(...queryParameters(op.query));
  for (const h of op.headers ?? []) parameters.push({ name: h.name, in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: h.description });
  const responses: Record<string, unknown> = {
    [op.ok.status]: {
      description: op.ok.description,
      ...(op.ok.schema ? { content: { 'application/json': { schema: ref(op.ok.schema) } } } : {}),
      ...(op.ok.contentType ? { content: { [op.ok.contentType]: { schema: { type: 'string' } } } } : {}),
    },
  };
  if (op.alsoOk) responses[op.alsoOk.status] = { description: op.alsoOk.description, content: { 'application/json': { schema: ref(op.alsoOk.schema) } } };
  for (const status of op.errors) {
    responses[status] = { description: ERROR_TEXT[status], content: { 'application/problem+json': { schema: ref('Problem') } } };
  }
  const roleText = op.roles ? `\n\nRoles: ${op.roles.join(', ')}.` : '';
  return {
    summary: op.summary,
    ...(op.description || roleText ? { description: `${op.description ?? ''}${roleText}`.trim() } : {}),
    ...(op.roles ? { security: [{ apiKey: [] }], 'x-roles': op.roles } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body === 'csv'
      ? { requestBody: { required: true, description: CSV_DESCRIPTION, content: { 'text/csv': { schema: { type: 'string' } } } } }
      : op.body
        ? { requestBody: { required: op.body !== 'Reengage' && op.body !== 'Reopen', content: { 'application/json': { schema: ref(op.body) } } } }
        : {}),
    responses,
  };
}

export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'LeadGate API',
      version: '1.0.0',
      description: 'Cybersecurity lead qualification. Every lead is a durable workflow; errors are RFC 9457 problem details listing each failing field. Every response carries `X-Request-Id`.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `npm run --silent keys -- create --role <intake|rep|manager> [--rep <repId>]`' } },
      schemas: componentSchemas(),
    },
  };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function docsPage(doc: Record<string, unknown>): string {
  const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
  const sections = OPERATIONS.map((op) => {
    const o = operationObject(op);
    const body = op.body === 'csv' ? `<p><b>Body</b> (text/csv): ${escape(CSV_DESCRIPTION)}</p>` : op.body ? `<p><b>Body</b>: <a href="#schema-${op.body}">${op.body}</a></p>` : '';
    const params = 'parameters' in o ? `<p><b>Parameters</b>: ${(o.parameters as Array<{ name: string; in: string }>).map((p) => `<code>${escape(p.name)}</code> (${p.in})`).join(', ')}</p>` : '';
    const ok = op.ok.schema ? `<a href="#schema-${op.ok.schema}">${op.ok.schema}</a>` : escape(op.ok.description);
    const errors = op.errors.map((s) => `<li><code>${s}</code> ${escape(ERROR_TEXT[s] ?? '')}</li>`).join('');
    return `<section><h3><code>${op.method.toUpperCase()} ${escape(op.path)}</code> — ${escape(op.summary)}</h3>
      ${op.roles ? `<p><b>Roles</b>: ${op.roles.join(', ')}</p>` : '<p>No key needed.</p>'}
      ${op.description ? `<p>${escape(op.description)}</p>` : ''}${params}${body}
      <p><b>${op.ok.status}</b>: ${ok}</p>${errors ? `<ul>${errors}</ul>` : ''}</section>`;
  }).join('\n');
  const schemaBlocks = Object.entries(schemas)
    .map(([name, schema]) => `<section id="schema-${name}"><h3>${name}</h3><pre>${escape(JSON.stringify(schema, null, 2))}</pre></section>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LeadGate API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}code,pre{font:13px ui-monospace,monospace}
pre{background:#f5f5f5;padding:1em;overflow:auto;max-height:30em}section{border-top:1px solid #ddd;padding:.5em 0}</style></head><body>
<h1>LeadGate API v1</h1><p>Authenticate with <code>Authorization: Bearer &lt;api key&gt;</code>. Errors are <code>application/problem+json</code>.
The machine-readable document is <a href="/openapi.json">/openapi.json</a>.</p>
<h2>Endpoints</h2>${sections}<h2>Schemas</h2>${schemaBlocks}</body></html>`;
}

export function openApiRouter(): Router {
  const router = Router();
  const document = buildOpenApiDocument();
  const page = docsPage(document);
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  return router;
}
