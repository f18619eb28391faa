import { useEffect, useState } from 'react';
import { myQueue } from '../leads';
import { Link } from '../router';
import type { LeadSummary } from '../types';
import { countdown, DataTable, messageOf, Notice, useNow, words, type Column } from '../ui';

/** New leads reach the queue within this long; polling keeps the server stateless and works through any proxy. */
const REFRESH_MS = 3000;

export function QueuePage() {
  const [leads, setLeads] = useState<LeadSummary[] | null>(null);
  const [error, setError] = useState('');
  const now = useNow();

  useEffect(() => {
    let stopped = false;
    let timer = 0;
    const load = async () => {
      try {
        const next = await myQueue();
        if (stopped) return;
        setLeads(next);
        setError('');
      } catch (err) {
        if (!stopped) setError(messageOf(err));
      }
      if (!stopped) timer = window.setTimeout(() => void load(), REFRESH_MS);
    };
    void load();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, []);

  return (
    <section>
      <h1>My queue</h1>
      <p className="muted" aria-live="polite">
        {leads === null ? 'Loading…' : `${leads.length} open lead${leads.length === 1 ? '' : 's'}, soonest SLA first · refreshes every ${REFRESH_MS / 1000} s`}
      </p>
      <Notice kind="error">{error}</Notice>
      {leads && leads.length > 0 && (
        <DataTable testId="queue" className="queue" columns={queueColumns(now)} rows={leads} rowKey={(l) => l.leadId} rowAttributes={(l) => ({ 'data-lead-id': l.leadId })} />
      )}
      {leads && leads.length === 0 && <p>No open leads. New leads routed to you appear here.</p>}
    </section>
  );
}

/** The SLA column counts down to `now` while the lead awaits discovery. */
function queueColumns(now: number): Array<Column<LeadSummary>> {
  const open = (l: LeadSummary) => l.stage === 'awaiting_discovery';
  return [
    {
      label: 'Company',
      cell: (l) => (
        <>
          <Link to={`/leads/${encodeURIComponent(l.leadId)}`}>{l.companyName}</Link>
          <div className="muted small">{l.domain}</div>
        </>
      ),
    },
    {
      label: 'Urgency',
      cell: (l) => (
        <>
          <span className={`pill urgency-${l.urgency ?? 'none'}`}>{words(l.urgency)}</span>
          {l.escalated && <span className="pill danger">escalated</span>}
        </>
      ),
    },
    {
      label: 'SLA',
      cell: (l) => (open(l) ? countdown(l.slaDueAt, now).text : <span className="muted">met</span>),
      cellClass: (l) => (open(l) && countdown(l.slaDueAt, now).overdue ? 'overdue' : ''),
    },
    { label: 'Stage', cell: (l) => words(l.stage) },
    { label: 'Score', cell: (l) => l.scoreTotal ?? '—' },
    { label: 'Team', cell: (l) => words(l.team) },
  ];
}
