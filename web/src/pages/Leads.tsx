import { useEffect, useState } from 'react';
import { api, qs } from '../api';
import { Link } from '../router';
import type { LeadSummary } from '../types';
import { fmtTime, messageOf, Notice, SelectField, TextField, words } from '../ui';

const STAGES = ['captured', 'fit_check', 'routed', 'awaiting_discovery', 'scope_check', 'commercial_check', 'nurture', 'outcome'] as const;
export const TEAMS = ['incident_response', 'risk_compliance', 'iam', 'solution_specialist', 'outbound_multithread'] as const;
const OUTCOMES = ['qualified', 'unqualified', 'nurture', 'disqualified_for_now'] as const;
const PAGE_SIZE = 25;

export function LeadsPage() {
  const [filters, setFilters] = useState({ stage: '', team: '', owner: '', outcome: '', slaBreached: '' });
  const [applied, setApplied] = useState(filters);
  /** Cursors of the pages before this one, for "Previous". */
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [page, setPage] = useState<{ items: LeadSummary[]; nextCursor: string | null } | null>(null);
  const [error, setError] = useState('');
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    let stale = false;
    setError('');
    api<{ items: LeadSummary[]; nextCursor: string | null }>('GET', `/v1/leads${qs({ ...applied, limit: PAGE_SIZE, cursor })}`).then(
      (p) => !stale && setPage(p),
      (err) => !stale && setError(messageOf(err)),
    );
    return () => {
      stale = true;
    };
  }, [applied, cursor]);

  const set = (key: keyof typeof filters) => (v: string) => setFilters({ ...filters, [key]: v });
  return (
    <section>
      <h1>All leads</h1>
      <form
        className="filters"
        aria-label="Filter leads"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filters);
          setCursors([null]);
        }}
      >
        <SelectField label="Stage" name="stage" value={filters.stage} options={STAGES} blank="any" onChange={set('stage')} />
        <SelectField label="Team" name="team" value={filters.team} options={TEAMS} blank="any" onChange={set('team')} />
        <TextField label="Owner (rep id)" name="owner" value={filters.owner} onChange={set('owner')} />
        <SelectField label="Outcome" name="outcome" value={filters.outcome} options={OUTCOMES} blank="any" onChange={set('outcome')} />
        <SelectField label="SLA breached" name="slaBreached" value={filters.slaBreached} options={['true', 'false']} blank="either" onChange={set('slaBreached')} />
        <button type="submit">Apply filters</button>
      </form>
      <Notice kind="error">{error}</Notice>
      {page && (
        <>
          <div className="table-wrap">
            <table data-testid="leads">
              <caption className="muted">
                {page.items.length} lead{page.items.length === 1 ? '' : 's'} on page {cursors.length}, oldest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Company</th>
                  <th scope="col">Stage</th>
                  <th scope="col">Team</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Score</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">SLA due</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((l) => (
                  <tr key={l.leadId}>
                    <td data-label="Company">
                      <Link to={`/leads/${encodeURIComponent(l.leadId)}`}>{l.companyName}</Link>
                    </td>
                    <td data-label="Stage">{words(l.stage)}</td>
                    <td data-label="Team">{words(l.team)}</td>
                    <td data-label="Owner">{l.owner ?? '—'}</td>
                    <td data-label="Score">{l.scoreTotal ?? '—'}</td>
                    <td data-label="Outcome">{words(l.outcome)}</td>
                    <td data-label="SLA due">
                      {fmtTime(l.slaDueAt)} {l.escalated && <span className="pill danger">escalated</span>}
                    </td>
                    <td data-label="Created">{fmtTime(l.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Pages">
            <button type="button" className="secondary" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </button>
            <button type="button" className="secondary" disabled={!page.nextCursor} onClick={() => setCursors([...cursors, page.nextCursor])}>
              Next
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
