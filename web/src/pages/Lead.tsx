import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import { Link } from '../router';
import type { LeadView, SessionUser } from '../types';
import { countdown, fmtTime, messageOf, Notice, Reasons, useNow, words } from '../ui';
import { LeadActions } from './LeadForms';

interface Intake {
  companyName: string;
  domain: string;
  contact: { name: string; email: string; phone?: string; title: string };
  primaryInterest: string;
  message?: string;
  industry?: string;
  employeeCount?: number;
  region?: string;
  regulations?: string[];
  environment?: { cloud?: string[]; identityProvider?: string; endpoints?: number; notes?: string };
  source: string;
}

const REFRESH_MS = 5000;

export function LeadPage({ leadId, user }: { leadId: string; user: SessionUser }) {
  const [view, setView] = useState<LeadView | null>(null);
  const [intake, setIntake] = useState<Intake | null>(null);
  const [refusal, setRefusal] = useState('');
  const now = useNow();
  const path = `/v1/leads/${encodeURIComponent(leadId)}`;

  const load = useCallback(async () => {
    try {
      const [v, i] = await Promise.all([api<LeadView>('GET', path), api<Intake>('GET', `${path}/intake`).catch(() => null)]);
      setView(v);
      setIntake(i);
      setRefusal('');
    } catch (err) {
      setRefusal(err instanceof ApiError && err.status === 404 ? 'There is no such lead.' : messageOf(err));
    }
  }, [path]);

  useEffect(() => {
    void load();
    const id = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(id);
  }, [load]);

  const back = user.role === 'rep' ? ['/queue', 'My queue'] : ['/leads', 'All leads'];
  if (refusal && !view) {
    return (
      <section>
        <h1>Lead</h1>
        <Notice kind="error">{refusal}</Notice>
        <Link to={back[0]!}>Back to {back[1]}</Link>
      </section>
    );
  }
  if (!view) return <p className="loading">Loading…</p>;

  const sla = view.sla ? countdown(view.sla.dueAt, now) : null;
  return (
    <article className="lead">
      <p>
        <Link to={back[0]!}>← {back[1]}</Link>
      </p>
      <h1>{view.companyName}</h1>
      <p className="lead-meta">
        <span className="pill">{words(view.stage)}</span> <span className="pill">{view.lifecycle.toUpperCase()}</span>
        {view.outcome && <span className={`pill outcome-${view.outcome.status}`}>{words(view.outcome.status)}</span>}
        <span className="muted"> · cycle {view.cycle} · ruleset </span>
        <code data-testid="ruleset-version">{view.rulesetVersion ?? '—'}</code>
      </p>

      <div className="grid">
        <section className="card" aria-labelledby="h-company">
          <h2 id="h-company">Company and contact</h2>
          <dl>
            <dt>Company</dt>
            <dd>
              {view.companyName} ({view.domain})
            </dd>
            {intake && (
              <>
                <dt>Contact</dt>
                <dd>
                  {intake.contact.name}, {intake.contact.title}
                  <br />
                  <a href={`mailto:${intake.contact.email}`}>{intake.contact.email}</a>
                  {intake.contact.phone && <> · {intake.contact.phone}</>}
                </dd>
                <dt>Interest</dt>
                <dd>
                  {words(intake.primaryInterest)} · via {words(intake.source)}
                </dd>
                <dt>Profile</dt>
                <dd>
                  {[intake.industry, intake.employeeCount && `${intake.employeeCount} employees`, intake.region, intake.regulations?.join(', ')].filter(Boolean).join(' · ') || '—'}
                </dd>
                {intake.environment && (
                  <>
                    <dt>Environment</dt>
                    <dd>
                      {[intake.environment.cloud?.join(', '), intake.environment.identityProvider, intake.environment.endpoints && `${intake.environment.endpoints} endpoints`, intake.environment.notes]
                        .filter(Boolean)
                        .join(' · ')}
                    </dd>
                  </>
                )}
                {intake.message && (
                  <>
                    <dt>Message</dt>
                    <dd className="message">{intake.message}</dd>
                  </>
                )}
              </>
            )}
          </dl>
        </section>

        <section className="card" aria-labelledby="h-route">
          <h2 id="h-route">Route and SLA</h2>
          {view.route ? (
            <dl>
              <dt>Team</dt>
              <dd>{words(view.route.team)}</dd>
              <dt>Owner</dt>
              <dd>{view.owner ?? 'unassigned'}</dd>
              <dt>Urgency</dt>
              <dd>
                <span className={`pill urgency-${view.route.urgency}`}>{view.route.urgency}</span> {view.route.escalated && <span className="pill danger">escalated</span>}
              </dd>
              <dt>SLA</dt>
              <dd className={sla?.overdue && view.stage === 'awaiting_discovery' ? 'overdue' : ''}>
                due {fmtTime(view.sla?.dueAt)} ({view.stage === 'awaiting_discovery' ? sla?.text : 'responded'})
                {view.sla?.breached && <span className="pill danger">breached</span>}
                {view.sla?.reminderSentAt && <div className="muted small">reminder sent {fmtTime(view.sla.reminderSentAt)}</div>}
              </dd>
            </dl>
          ) : (
            <p className="muted">Not routed.</p>
          )}
          <h3>Why this route</h3>
          <Reasons reasons={view.route?.reasons} />
        </section>

        <section className="card" aria-labelledby="h-scores">
          <h2 id="h-scores">Scores</h2>
          {view.scores ? (
            <p className="scores">
              <span>
                fit <strong>{view.scores.fit}</strong>
              </span>
              <span>
                need <strong>{view.scores.need}</strong>
              </span>
              <span>
                stage <strong>{view.scores.stage}</strong>
              </span>
              <span>
                total <strong>{view.scores.total}</strong>
              </span>
            </p>
          ) : (
            <p className="muted">Not scored.</p>
          )}
          <Reasons reasons={view.scores?.reasons} />
          <h3>Fit flags</h3>
          <Reasons reasons={view.fitFlags} />
        </section>

        {(view.outcome || view.handoff || view.nurture) && (
          <section className="card" aria-labelledby="h-outcome" data-testid="outcome">
            <h2 id="h-outcome">Outcome</h2>
            {view.outcome && (
              <>
                <p>
                  <strong className={`outcome-${view.outcome.status}`}>{words(view.outcome.status)}</strong> — {view.outcome.note}
                </p>
                <p>
                  <strong>Next action:</strong> {view.outcome.nextAction}
                </p>
                <Reasons reasons={view.outcome.reasons} />
              </>
            )}
            {view.nurture && (
              <p>
                <strong>Nurture:</strong> re-engage on {fmtTime(view.nurture.reengageAt)} (cycle {view.nurture.cycle})
              </p>
            )}
            {view.handoff && (
              <div data-testid="handoff">
                <h3>Handoff checklist</h3>
                <ul className="checklist">
                  <li>Scope: {view.handoff.scope.join(', ') || '—'}</li>
                  <li>Environments: {view.handoff.environments.join(', ') || '—'}</li>
                  <li>Access needs: {view.handoff.accessNeeds.join(', ') || '—'}</li>
                  <li>
                    Stakeholders: {view.handoff.stakeholders.map((s) => `${s.name} (${s.title}, ${words(s.role)})`).join('; ') || '—'}
                  </li>
                  <li>Timeline: {view.handoff.timeline || '—'}</li>
                </ul>
              </div>
            )}
          </section>
        )}
      </div>

      <LeadActions view={view} user={user} path={path} onView={setView} reload={() => void load()} />

      <section className="card" aria-labelledby="h-timeline">
        <h2 id="h-timeline">Timeline</h2>
        <ol className="timeline">
          {[...view.events].reverse().map((e) => (
            <li key={e.seq}>
              <time dateTime={e.at}>{fmtTime(e.at)}</time> <strong>{words(e.type)}</strong>
              {e.actor && <span className="muted"> by {e.actor}</span>}
              {e.data && Object.keys(e.data).length > 0 && <span className="muted small"> {summarize(e.data)}</span>}
              {e.reasons && e.reasons.length > 0 && (
                <details>
                  <summary>{e.reasons.length} reason{e.reasons.length === 1 ? '' : 's'}</summary>
                  <Reasons reasons={e.reasons} />
                </details>
              )}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

function summarize(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${words(k)}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}
