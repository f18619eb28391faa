import { useEffect, useState } from 'react';
import { myQueue } from '../leads';
import { Link } from '../router';
import type { LeadSummary } from '../types';
import { countdown, messageOf, Notice, useNow, words } from '../ui';

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
        <div className="table-wrap">
          <table className="queue" data-testid="queue">
            <thead>
              <tr>
                <th scope="col">Company</th>
                <th scope="col">Urgency</th>
                <th scope="col">SLA</th>
                <th scope="col">Stage</th>
                <th scope="col">Score</th>
                <th scope="col">Team</th>
              </tr>
            </thead>
            <tbody>
              {leads.map((l) => {
                const sla = countdown(l.slaDueAt, now);
                const open = l.stage === 'awaiting_discovery';
                return (
                  <tr key={l.leadId} data-lead-id={l.leadId}>
                    <td data-label="Company">
                      <Link to={`/leads/${encodeURIComponent(l.leadId)}`}>{l.companyName}</Link>
                      <div className="muted small">{l.domain}</div>
                    </td>
                    <td data-label="Urgency">
                      <span className={`pill urgency-${l.urgency ?? 'none'}`}>{words(l.urgency)}</span>
                      {l.escalated && <span className="pill danger">escalated</span>}
                    </td>
                    <td data-label="SLA" className={open && sla.overdue ? 'overdue' : ''}>
                      {open ? sla.text : <span className="muted">met</span>}
                    </td>
                    <td data-label="Stage">{words(l.stage)}</td>
                    <td data-label="Score">{l.scoreTotal ?? '—'}</td>
                    <td data-label="Team">{words(l.team)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {leads && leads.length === 0 && <p>No open leads. New leads routed to you appear here.</p>}
    </section>
  );
}
