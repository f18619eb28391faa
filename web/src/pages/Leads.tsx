import { useEffect, useState } from 'react';
import { api, qs } from '../api';
import { Link } from '../router';
import type { LeadSummary } from '../types';
import { DataTable, fmtTime, messageOf, Notice, SelectField, TextField, words, type Column } from '../ui';

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
          <DataTable
            testId="leads"
            caption={`${page.items.length} lead${page.items.length === 1 ? '' : 's'} on page ${cursors.length}, oldest first`}
            columns={LEAD_COLUMNS}
            rows={page.items}
            rowKey={(l) => l.leadId}
          />
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

const LEAD_COLUMNS: Array<Column<LeadSummary>> = [
  { label: 'Company', cell: (l) => <Link to={`/leads/${encodeURIComponent(l.leadId)}`}>{l.companyName}</Link> },
  { label: 'Stage', cell: (l) => words(l.stage) },
  { label: 'Team', cell: (l) => words(l.team) },
  { label: 'Owner', cell: (l) => l.owner ?? '—' },
  { label: 'Score', cell: (l) => l.scoreTotal ?? '—' },
  { label: 'Outcome', cell: (l) => words(l.outcome) },
  {
    label: 'SLA due',
    cell: (l) => (
      <>
        {fmtTime(l.slaDueAt)} {l.escalated && <span className="pill danger">escalated</span>}
      </>
    ),
  },
  { label: 'Created', cell: (l) => fmtTime(l.createdAt) },
];
