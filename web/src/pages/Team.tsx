import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api';
import type { RepLoad } from '../types';
import { DataTable, RepName, messageOf, Notice, words, type Column } from '../ui';
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
          <DataTable testId="team-load" columns={LOAD_COLUMNS} rows={active} rowKey={(r) => r.repId} />
        </>
      )}
    </section>
  );
}

/** Open leads against capacity; a rep with no capacity counts as full. */
const loadOf = (r: RepLoad) => (r.capacity > 0 ? r.openLeads / r.capacity : 1);

const LOAD_COLUMNS: Array<Column<RepLoad>> = [
  {
    label: 'Rep',
    cell: (r) => <RepName rep={r} />,
  },
  { label: 'Team', cell: (r) => words(r.team) },
  {
    label: 'Open / capacity',
    cell: (r) => (
      <>
        {r.openLeads} / {r.capacity}
      </>
    ),
  },
  {
    label: 'Load',
    cell: (r) => (
      <>
        <meter min={0} max={1} low={0.7} high={0.9} optimum={0.3} value={Math.min(loadOf(r), 1)} aria-label={`${r.repId} load`} /> {Math.round(loadOf(r) * 100)}%
      </>
    ),
  },
];
