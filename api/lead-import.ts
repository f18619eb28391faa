/**
 * `POST /v1/leads/import`: an outbound list as `text/csv`, one lead per row.
 * Every row gets its own verdict — accepted (a new lead started), duplicate
 * (earlier in the file, or a lead that already exists: nothing is started or
 * woken), invalid (the failing fields), failed (the workflow service refused) —
 * and one bad row never stops the rest.
 */
import express, { Router, type Request } from 'express';
import { parse } from 'csv-parse/sync';
import { leadIdFor, LeadIntakeSchema, type LeadIntake } from '../domain';
import { findLeadRecord } from '../db/intake';
import { rulesetForStarts } from '../db/rulesets';
import { requireRole } from './auth';
import { startLeadIfNew } from './lead-client';
import type { RouterDeps } from './leads';
import { fieldErrors, problem } from './problem';
import { takeIntakeRows } from './rate-limit';
import type { ImportReportSchema, ImportRowSchema } from './schemas';
import type { z } from 'zod';

type ImportRow = z.infer<typeof ImportRowSchema>;
type ImportReport = z.infer<typeof ImportReportSchema>;

export const MAX_IMPORT_ROWS = 1_000;
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
const CONCURRENCY = 8;

type Kind = 'string' | 'number' | 'boolean' | 'list';

/** Header names are the JSON field paths of a lead; list cells separate items with `;`. */
export const IMPORT_COLUMNS: Record<string, Kind> = {
  companyName: 'string',
  domain: 'string',
  'contact.name': 'string',
  'contact.email': 'string',
  'contact.phone': 'string',
  'contact.title': 'string',
  primaryInterest: 'string',
  message: 'string',
  industry: 'string',
  employeeCount: 'number',
  region: 'string',
  regulations: 'list',
  'environment.cloud': 'list',
  'environment.identityProvider': 'string',
  'environment.endpoints': 'number',
  'environment.notes': 'string',
  source: 'string',
  'timeline.activeIncident': 'boolean',
  'timeline.auditDate': 'string',
  'timeline.migrationDate': 'string',
  'timeline.targetDate': 'string',
  'engagement.requestedTechnicalCall': 'boolean',
  'engagement.pageViews': 'number',
  'engagement.downloads': 'list',
  'engagement.newsletterClicks': 'number',
  bestTime: 'string',
};

export const REQUIRED_COLUMNS = ['companyName', 'domain', 'contact.name', 'contact.email', 'contact.title', 'primaryInterest'];

/** Rows without a `source` cell come from an outbound list. */
const DEFAULT_SOURCE = 'outbound_list';

function cellValue(raw: string, kind: Kind): unknown {
  switch (kind) {
    case 'number': {
      const n = Number(raw);
      // Left as text when it is not a number, so the schema names the field.
      return raw !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'boolean': {
      const v = raw.toLowerCase();
      if (['true', 'yes', '1'].includes(v)) return true;
      if (['false', 'no', '0'].includes(v)) return false;
      return raw;
    }
    case 'list':
      return raw.split(';').map((s) => s.trim()).filter(Boolean);
    default:
      return raw;
  }
}

/** One CSV record as the JSON a lead would be posted as; empty cells are absent fields. */
export function rowToIntake(header: string[], cells: string[]): Record<string, unknown> {
  const intake: Record<string, unknown> = {};
  header.forEach((column, i) => {
    const raw = (cells[i] ?? '').trim();
    if (raw === '') return;
    const path = column.split('.');
    let target = intake;
    for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[path[path.length - 1]!] = cellValue(raw, IMPORT_COLUMNS[column]!);
  });
  intake.source ??= DEFAULT_SOURCE;
  return intake;
}

interface ParsedRecord {
  line: number;
  cells?: string[];
  error?: string;
}

/** Parses the file; a record CSV cannot read becomes an invalid row, not a failed request. */
export function parseCsv(text: string): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  let parsed: Array<{ record: string[]; info: { lines: number } }>;
  try {
    parsed = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (error: { lines?: number; message?: string } | undefined) => {
        const line = error?.lines ?? 0;
        // The parser may report one broken record more than once; the row gets one verdict.
        if (!records.some((r) => r.line === line)) records.push({ line, error: `Unreadable CSV: ${error?.message ?? 'malformed record'}` });
        return undefined;
      },
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    throw problem(400, `The CSV could not be read: ${(error as Error).message}`);
  }
  for (const { record, info } of parsed) records.push({ line: info.lines, cells: record });
  return records.sort((a, b) => a.line - b.line);
}

export function importRouter(deps: RouterDeps): Router {
  const router = Router();
  const csvBody = express.text({ type: ['text/csv', 'application/csv'], limit: MAX_IMPORT_BYTES });

  router.post('/v1/leads/import', requireRole('intake', 'manager'), csvBody, async (req, res) => {
    const text = csvText(req);
    const records = parseCsv(text);
    const headerRecord = records.shift();
    if (!headerRecord?.cells) throw problem(400, 'The first line must be a header naming the columns (see the OpenAPI description).');
    const header = headerRecord.cells.map((c) => c.trim());
    checkHeader(header);
    if (records.length === 0) throw problem(400, 'The CSV has a header but no rows.');
    if (records.length > MAX_IMPORT_ROWS) throw problem(413, `At most ${MAX_IMPORT_ROWS} rows per import; split the file.`);
    // Each row is a lead: an import draws on the same intake budget as that many form posts, or starts nothing.
    await takeIntakeRows(deps.pool, deps.config, req, records.length);

    const rows: ImportRow[] = new Array(records.length);
    const firstLineOf = new Map<string, number>();
    const toStart: Array<{ index: number; intake: LeadIntake }> = [];
    records.forEach((record, index) => {
      const row = record.line;
      if (!record.cells) return void (rows[index] = { row, status: 'invalid', reason: record.error ?? 'Unreadable CSV record' });
      if (record.cells.length !== header.length) {
        return void (rows[index] = { row, status: 'invalid', reason: `The row has ${record.cells.length} cells; the header has ${header.length} columns` });
      }
      const parsed = LeadIntakeSchema.safeParse(rowToIntake(header, record.cells));
      if (!parsed.success) return void (rows[index] = { row, status: 'invalid', reason: 'Invalid fields', errors: fieldErrors(parsed.error) });
      const leadKey = `${parsed.data.contact.email}|${parsed.data.domain}`;
      const earlier = firstLineOf.get(leadKey);
      if (earlier !== undefined) return void (rows[index] = { row, status: 'duplicate', reason: `Same contact and domain as row ${earlier}` });
      firstLineOf.set(leadKey, row);
      toStart.push({ index, intake: parsed.data });
    });

    let next = 0;
    const worker = async () => {
      while (next < toStart.length) {
        const { index, intake } = toStart[next++]!;
        const row = records[index]!.line;
        try {
          // Known to the read model: even once Temporal no longer holds its closed run, an import never starts it over at cycle 0.
          const known = await findLeadRecord(deps.pool, leadIdFor(intake.contact.email, intake.domain));
          if (known) {
            rows[index] = { row, status: 'duplicate', leadId: known.leadId, reason: 'This lead already exists' };
            continue;
          }
          const ruleset = (await rulesetForStarts(deps.pool)) ?? undefined;
          const started = await deps.temporal.withDeadline(Date.now() + 10_000, () => startLeadIfNew(deps.temporal, deps.taskQueue, intake, ruleset));
          rows[index] = started.started
            ? { row, status: 'accepted', leadId: started.leadId }
            : { row, status: 'duplicate', leadId: started.leadId, reason: 'This lead already exists' };
          if (started.started) deps.metrics.leadsStarted.inc({ via: 'import' });
        } catch (error) {
          req.log.warn({ err: error, row }, 'import row could not be started');
          rows[index] = { row, status: 'failed', reason: 'The workflow service did not accept the lead; import the row again later' };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, toStart.length) }, worker));

    const count = (status: ImportRow['status']) => rows.filter((r) => r.status === status).length;
    const report: ImportReport = { total: rows.length, accepted: count('accepted'), duplicate: count('duplicate'), invalid: count('invalid'), failed: count('failed'), rows };
    req.log.info({ total: report.total, accepted: report.accepted, duplicate: report.duplicate, invalid: report.invalid, failed: report.failed }, 'leads imported');
    res.json(report);
  });

  return router;
}

function csvText(req: Request): string {
  if (!req.is(['text/csv', 'application/csv'])) {
    throw problem(415, `Send the list as text/csv (got ${req.get('content-type') ?? 'no Content-Type'}).`);
  }
  if (typeof req.body !== 'string' || req.body.trim() === '') throw problem(400, 'The CSV body is empty.');
  return req.body;
}

function checkHeader(header: string[]): void {
  const errors: Array<{ field: string; message: string }> = [];
  const seen = new Set<string>();
  for (const column of header) {
    if (!Object.hasOwn(IMPORT_COLUMNS, column)) errors.push({ field: column || '(empty column name)', message: 'Unknown column' });
    else if (seen.has(column)) errors.push({ field: column, message: 'Column appears twice' });
    seen.add(column);
  }
  for (const column of REQUIRED_COLUMNS) if (!seen.has(column)) errors.push({ field: column, message: 'Required column is missing' });
  if (errors.length > 0) {
    throw problem(400, `The header must name known columns only: ${Object.keys(IMPORT_COLUMNS).join(', ')}.`, { errors });
  }
}
