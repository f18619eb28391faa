import { useCallback, useEffect, useId, useState } from 'react';
import { api, ApiError, type FieldError } from '../api';
import { Link } from '../router';
import type { SimulationReport } from '../types';
import { DataTable, fmtTime, messageOf, Notice, words, type Column } from '../ui';

interface Publication {
  version: string;
  publishedBy: string;
  publishedAt: string;
  publisherEmail?: string | null;
}

const SIMULATION_DAYS = 30;

export function RulesPage() {
  const [active, setActive] = useState<{ version: string } | null>(null);
  const [publications, setPublications] = useState<Publication[]>([]);
  const [draft, setDraft] = useState('');
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [simulation, setSimulation] = useState<SimulationReport | null>(null);
  const [busy, setBusy] = useState(false);
  const editorId = useId();

  const load = useCallback(async () => {
    const [a, p] = await Promise.all([api<{ version: string; ruleset: unknown }>('GET', '/v1/rules/active'), api<{ items: Publication[] }>('GET', '/v1/rules/publications')]);
    setActive({ version: a.version });
    setPublications(p.items);
    return a;
  }, []);

  useEffect(() => {
    load().then((a) => setDraft(JSON.stringify(a.ruleset, null, 2)), (err) => setMessage({ kind: 'error', text: messageOf(err) }));
  }, [load]);

  /** The draft as JSON, or null with the parse error shown. */
  const parsed = (): unknown => {
    try {
      return JSON.parse(draft);
    } catch (err) {
      setProblems([{ field: '(json)', message: (err as Error).message }]);
      setMessage({ kind: 'error', text: 'The draft is not valid JSON.' });
      return null;
    }
  };

  const call = async (what: 'simulate' | 'publish') => {
    const ruleset = parsed();
    if (ruleset === null) return;
    setBusy(true);
    setMessage(null);
    setProblems([]);
    try {
      if (what === 'simulate') {
        const to = new Date();
        const from = new Date(to.getTime() - SIMULATION_DAYS * 86_400_000);
        const report = await api<SimulationReport>('POST', '/v1/rules/simulate', { ruleset, leads: { from: from.toISOString(), to: to.toISOString() } });
        setSimulation(report);
        setMessage({ kind: 'ok', text: `Simulated ${report.rulesetVersion} against ${report.totals.leads} leads of the last ${SIMULATION_DAYS} days.` });
      } else {
        const p = await api<Publication>('POST', '/v1/rules', { ruleset });
        await load();
        setMessage({ kind: 'ok', text: `Published ${p.version}: new qualification cycles use it from now on; leads already decided keep their version.` });
      }
    } catch (err) {
      setProblems(err instanceof ApiError ? (err.problem.errors ?? []) : []);
      setMessage({ kind: 'error', text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };

  const changed = simulation?.leads.filter((l) => l.changed.length > 0) ?? [];
  return (
    <section>
      <h1>Rules</h1>
      <p>
        Active ruleset: <code data-testid="active-version">{active?.version ?? '…'}</code>
      </p>
      <div className="rules">
        <div className="editor">
          <label htmlFor={editorId}>Ruleset (JSON) — edit, simulate against past leads, then publish</label>
          <textarea
            id={editorId}
            name="ruleset"
            spellCheck={false}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            aria-invalid={problems.length > 0}
            aria-describedby={problems.length ? `${editorId}-problems` : undefined}
          />
          <div className="buttons">
            <button type="button" className="secondary" disabled={busy} onClick={() => void call('simulate')}>
              Simulate
            </button>
            <button type="button" disabled={busy} onClick={() => void call('publish')}>
              Publish
            </button>
          </div>
          {message && <Notice kind={message.kind}>{message.text}</Notice>}
          {problems.length > 0 && (
            <ul id={`${editorId}-problems`} className="problems" data-testid="rule-errors">
              {problems.map((p, i) => (
                <li key={i}>
                  <code>{p.field}</code>: {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
        <aside>
          <h2>Published</h2>
          <ol className="publications">
            {publications.map((p, i) => (
              <li key={i}>
                <code>{p.version}</code>
                <div className="muted small">
                  {fmtTime(p.publishedAt)} by {p.publisherEmail ?? p.publishedBy}
                </div>
              </li>
            ))}
            {publications.length === 0 && <li className="muted">Only the shipped default so far.</li>}
          </ol>
        </aside>
      </div>
      {simulation && (
        <section aria-labelledby="sim-title">
          <h2 id="sim-title">Simulation: {changed.length} of {simulation.totals.leads} leads would change</h2>
          <p className="muted">
            Route changes {simulation.totals.routeChanges} · lifecycle {simulation.totals.lifecycleChanges} · outcome {simulation.totals.outcomeChanges} · score band {simulation.totals.scoreBandChanges}
          </p>
          <DataTable testId="simulation" columns={SIMULATION_COLUMNS} rows={changed} rowKey={(l) => l.leadId} empty="No lead would be decided differently." />
        </section>
      )}
    </section>
  );
}

type SimulatedLead = SimulationReport['leads'][number];

const beforeAfter = (before: string | null | undefined, after: string | null | undefined) => (before === after ? words(after) : `${words(before)} → ${words(after)}`);

const SIMULATION_COLUMNS: Array<Column<SimulatedLead>> = [
  { label: 'Lead', cell: (l) => <Link to={`/leads/${encodeURIComponent(l.leadId)}`}>{l.leadId}</Link> },
  { label: 'Team', cell: (l) => beforeAfter(l.before.team, l.after.team) },
  { label: 'Outcome', cell: (l) => beforeAfter(l.before.outcome, l.after.outcome) },
  {
    label: 'Why',
    cell: (l) => (
      <>
        {l.changed.map((c) => `${words(c)}: ${String(l.before[c] ?? '—')} → ${String(l.after[c] ?? '—')}`).join('; ')}
        {!l.hadFindings && <span className="muted small"> (no findings on record: decided up to the fit check)</span>}
      </>
    ),
  },
];
