import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api';
import type { RepLoad } from '../types';
import { messageOf, Notice, words } from '../ui';
import { Chart } from './Funnel';

export function TeamPage() {
  const [reps, setReps] = useState<RepLoad[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<{ items: RepLoad[] }>('GET', '/v1/reps').then((r) => setReps(r.items), (err) => setError(messageOf(err)));
  }, []);
  const active = (reps ?? []).filter((r) => r.active);
  return (
    <section>
      <h1>Team load</h1>
      <Notice kind="error">{error}</Notice>
      {reps && (
        <>
          <Chart title="Open leads per rep against capacity" summary={active.map((r) => `${r.repId}: ${r.openLeads} of ${r.capacity}`).join(', ')}>
            <BarChart data={active.map((r) => ({ rep: r.repId, open: r.openLeads, capacity: r.capacity }))}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="rep" interval={0} angle={-30} textAnchor="end" height={60} />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              <Bar dataKey="open" fill="#2458a6" isAnimationActive={false} />
              <Bar dataKey="capacity" fill="#c9d3e0" isAnimationActive={false} />
            </BarChart>
          </Chart>
          <div className="table-wrap">
            <table data-testid="team-load">
              <thead>
                <tr>
                  <th scope="col">Rep</th>
                  <th scope="col">Team</th>
                  <th scope="col">Open / capacity</th>
                  <th scope="col">Load</th>
                </tr>
              </thead>
              <tbody>
                {active.map((r) => {
                  const load = r.capacity > 0 ? r.openLeads / r.capacity : 1;
                  return (
                    <tr key={r.repId}>
                      <td data-label="Rep">
                        {r.name} <span className="muted">({r.repId}{r.isTeamLead ? ', team lead' : ''})</span>
                      </td>
                      <td data-label="Team">{words(r.team)}</td>
                      <td data-label="Open / capacity">
                        {r.openLeads} / {r.capacity}
                      </td>
                      <td data-label="Load">
                        <meter min={0} max={1} low={0.7} high={0.9} optimum={0.3} value={Math.min(load, 1)} aria-label={`${r.repId} load`} /> {Math.round(load * 100)}%
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
