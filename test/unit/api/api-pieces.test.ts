import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { generateKey, hashKey, keyIdOf } from '../../../db/api-keys';
import { LeadIntakeSchema } from '../../../domain';
import { parseCsv, rowToIntake } from '../../../api/lead-import';
import { buildOpenApiDocument } from '../../../api/openapi';
import { fieldErrors } from '../../../api/problem';
import { decodeCursor, encodeCursor } from '../../../api/schemas';
import { updateRejection } from '../../../api/temporal-errors';
import { RejectionType } from '../../../workflows/messages';

describe('CSV rows as lead intakes', () => {
  const header = ['companyName', 'domain', 'contact.name', 'contact.email', 'contact.title', 'primaryInterest', 'employeeCount', 'regulations', 'timeline.activeIncident', 'source'];

  it('builds nested fields, numbers, booleans and lists, leaving empty cells out and defaulting the source', () => {
    const intake = rowToIntake(header, ['Acme', 'acme.com', 'Jo Lee', 'jo@acme.com', 'CISO', 'monitoring', '1200', 'hipaa; pci-dss;', 'yes', '']);
    expect(intake).toEqual({
      companyName: 'Acme', domain: 'acme.com', contact: { name: 'Jo Lee', email: 'jo@acme.com', title: 'CISO' }, primaryInterest: 'monitoring',
      employeeCount: 1200, regulations: ['hipaa', 'pci-dss'], timeline: { activeIncident: true }, source: 'outbound_list',
    });
    expect(LeadIntakeSchema.safeParse(intake).success).toBe(true);
  });

  it('leaves a cell that is not a number or a boolean as text, so validation names the field', () => {
    const intake = rowToIntake(header, ['Acme', 'acme.com', 'Jo', 'jo@acme.com', 'CISO', 'monitoring', 'lots', '', 'perhaps', 'event']);
    const result = LeadIntakeSchema.safeParse(intake);
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!).map((e) => e.field).sort()).toEqual(['employeeCount', 'timeline.activeIncident']);
  });

  it('reports an unreadable record on its own line and keeps reading the next ones', () => {
    const records = parseCsv('a,b\n1,2\nAcme "Labs",3\n"multi\nline",4\n');
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
      { line: 3, error: expect.stringMatching(/^Unreadable CSV: Invalid Opening Quote/) },
      { line: 5, cells: ['multi\nline', '4'] },
    ]);
  });
});

describe('field errors', () => {
  it('names each unknown field by its own path and keeps nested paths dotted', () => {
    const schema = z.strictObject({ a: z.strictObject({ b: z.int() }), list: z.array(z.string()) });
    const result = schema.safeParse({ a: { b: 'x', c: 1 }, list: [1], d: true });
    expect(fieldErrors(result.error!).map((e) => e.field).sort()).toEqual(['a.b', 'a.c', 'd', 'list.0']);
  });
});

describe('list cursors', () => {
  it('round-trips a position and refuses anything it did not issue', () => {
    const position = { createdAt: '2026-03-01T10:00:00.123456Z', leadId: 'lead_0123456789abcdef0123' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor('not-base64-json')).toBeNull();
    expect(decodeCursor(Buffer.from('["yesterday","lead_1"]').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('{"createdAt":"2026-03-01T10:00:00Z"}').toString('base64url'))).toBeNull();
  });
});

describe('API keys', () => {
  it('embeds a public key id and hashes the whole key', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a.key).toMatch(/^lg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(keyIdOf(a.key)).toBe(a.keyId);
    expect(a.key).not.toBe(b.key);
    expect(hashKey(a.key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(a.key)).not.toBe(hashKey(b.key));
    expect(keyIdOf('lg_short_secret')).toBeNull();
  });
});

describe('Update rejections as HTTP', () => {
  const failed = (type: string, details: unknown[] = []) =>
    new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message: `refused: ${type}`, details, nonRetryable: true }));

  it('maps wrong stage to 409, invalid payload to 422 with fields, not owner to 403', () => {
    const wrong = updateRejection(failed(RejectionType.wrongStage, [{ stage: 'scope_check', expected: ['awaiting_discovery'] }]));
    expect(wrong).toMatchObject({ reason: 'wrong_stage', problem: { problem: { status: 409, stage: 'scope_check', expectedStages: ['awaiting_discovery'] } } });
    const invalid = updateRejection(failed(RejectionType.invalidPayload, [{ fields: [{ path: 'nextMeeting.at', message: 'Use an ISO date-time' }, { path: '', message: 'Expected object' }] }]));
    expect(invalid?.problem.problem).toMatchObject({ status: 422, errors: [{ field: 'nextMeeting.at', message: 'Use an ISO date-time' }, { field: '(body)', message: 'Expected object' }] });
    expect(updateRejection(failed(RejectionType.notOwner))?.problem.problem.status).toBe(403);
    expect(updateRejection(failed('SomethingElse'))).toBeNull();
    expect(updateRejection(new Error('boom'))).toBeNull();
  });
});

describe('OpenAPI document', () => {
  it('resolves every $ref to a generated component', () => {
    const doc = buildOpenApiDocument();
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    expect(refs.filter((r) => !(r in schemas))).toEqual([]);
  });
});
