import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, qs } from '../api';
import type { FunnelReport } from '../types';
import { messageOf, Notice, SelectField, words } from '../ui';
import { TEAMS } from './Leads';

const round = (v: number) => Math.round(v * 10) / 10;
/** The unit that keeps the longest median readable. */
const timeUnit = (maxSeconds: number) =>
  maxSeconds >= 2 * 86_400 ? { name: 'days', seconds: 86_400 } : maxSeconds >= 7200 ? { name: 'hours', seconds: 3600 } : maxSeconds >= 120 ? { name: 'minutes', seconds: 60 } : { name: 'seconds', seconds: 1 };
const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);
const RANGES = ['7', '30', '90'] as const;

export function FunnelPage() {
  const [days, setDays] = useState<(typeof RANGES)[number]>('30');
  const [team, setTeam] = useState('');
  const [report, setReport] = useState<FunnelReport | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - Number(days) * 86_400_000);
    api<FunnelReport>('GET', `/v1/reports/funnel${qs({ from: from.toISOString(), to: to.toISOString(), team })}`).then(setReport, (err) => setError(messageOf(err)));
  }, [days, team]);

  const unit = timeUnit(Math.max(0, ...(report?.medianTimeInStage.map((s) => s.medianSeconds) ?? [])));
  return (
    <section>
      <h1>Funnel</h1>
      <div className="filters">
        <SelectField label="Range (days)" value={days} options={RANGES} onChange={(v) => setDays(v as (typeof RANGES)[number])} />
        <SelectField label="Team" value={team} options={TEAMS} blank="all teams" onChange={setTeam} />
      </div>
      <Notice kind="error">{error}</Notice>
      {report && (
        <>
          <dl className="kpis" data-testid="kpis">
            <div>
              <dt>Leads</dt>
              <dd>{report.leads}</dd>
            </div>
            <div>
              <dt>MQL → SQL</dt>
              <dd>{pct(report.conversion.mqlToSql)}</dd>
            </div>
            <div>
              <dt>SQL → qualified</dt>
              <dd>{pct(report.conversion.sqlToQualified)}</dd>
            </div>
            <div>
              <dt>SLA breaches</dt>
              <dd>
                {report.sla.breaches} <span className="muted small">({pct(report.sla.breachRate)} of routed; {report.sla.openBreaches} open now)</span>
              </dd>
            </div>
          </dl>
          <div className="charts">
            <Chart title="Conversion by stage" summary={report.byStage.map((s) => `${words(s.key)} ${s.count}`).join(', ')}>
              <BarChart data={[
                { step: 'MQL or better', leads: report.conversion.mql },
                { step: 'SQL', leads: report.conversion.sql },
                { step: 'Qualified', leads: report.conversion.qualified },
              ]}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="step" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="leads" fill="#2458a6" isAnimationActive={false} />
              </BarChart>
            </Chart>
            <Chart title="Leads by current stage" summary={report.byStage.map((s) => `${words(s.key)}: ${s.count}`).join(', ')}>
              <BarChart data={report.byStage.map((s) => ({ stage: words(s.key), leads: s.count }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="stage" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="leads" fill="#3b7d3b" isAnimationActive={false} />
              </BarChart>
            </Chart>
            <Chart title={`Median time in stage (${unit.name})`} summary={report.medianTimeInStage.map((s) => `${words(s.stage)}: ${round(s.medianSeconds / unit.seconds)} ${unit.name}`).join(', ')}>
              <BarChart data={report.medianTimeInStage.map((s) => ({ stage: words(s.stage), [unit.name]: round(s.medianSeconds / unit.seconds) }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="stage" />
                <YAxis />
                <Tooltip />
                <Bar dataKey={unit.name} fill="#8a5a00" isAnimationActive={false} />
              </BarChart>
            </Chart>
            <Chart title="Leads and qualified by team" summary={report.byTeam.map((t) => `${words(t.team)}: ${t.leads} leads, ${t.qualified} qualified`).join(', ')}>
              <BarChart data={report.byTeam.map((t) => ({ team: words(t.team), leads: t.leads, qualified: t.qualified }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="team" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar dataKey="leads" fill="#2458a6" isAnimationActive={false} />
                <Bar dataKey="qualified" fill="#3b7d3b" isAnimationActive={false} />
              </BarChart>
            </Chart>
          </div>
          <Chart title="First-response SLA" summary={`${report.sla.routed} routed, ${report.sla.breaches} breached, ${report.sla.openBreaches} open breaches`}>
            <BarChart data={[{ what: 'routed', leads: report.sla.routed }, { what: 'breached', leads: report.sla.breaches }, { what: 'open breaches', leads: report.sla.openBreaches }]}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="what" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="leads" fill="#a32a2a" isAnimationActive={false} />
            </BarChart>
          </Chart>
          <h2>Top outcome reasons</h2>
          <ul>
            {report.byReason.slice(0, 10).map((r) => (
              <li key={`${r.status}-${r.code}`}>
                {words(r.status)} · {words(r.code)}: {r.count}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** A chart with a text summary for screen readers (the SVG alone says nothing to them). */
export function Chart({ title, summary, children }: { title: string; summary: string; children: React.ReactElement }) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div aria-hidden="true" style={{ width: '100%', height: 240 }}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
      <p className="sr-only">{summary || 'No data.'}</p>
    </figure>
  );
}
