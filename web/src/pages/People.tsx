import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import type { Login, RepLoad } from '../types';
import { DataTable, RepName, messageOf, Notice, SelectField, TextField, words, type Column } from '../ui';
import { TEAMS } from './Leads';

export function PeoplePage() {
  const [reps, setReps] = useState<RepLoad[]>([]);
  const [users, setUsers] = useState<Login[]>([]);
  const [error, setError] = useState('');
  const reload = useCallback(() => {
    Promise.all([api<{ items: RepLoad[] }>('GET', '/v1/reps'), api<{ items: Login[] }>('GET', '/v1/users')]).then(
      ([r, u]) => {
        setReps(r.items);
        setUsers(u.items);
      },
      (err) => setError(messageOf(err)),
    );
  }, []);
  useEffect(reload, [reload]);

  const deactivate = async (path: string) => {
    try {
      await api('POST', path);
      reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section>
      <h1>People</h1>
      <Notice kind="error">{error}</Notice>
      <div className="grid">
        <AddRep onAdded={reload} />
        <AddLogin reps={reps.filter((r) => r.active)} onAdded={reload} />
      </div>
      <h2>Logins</h2>
      <DataTable testId="logins" columns={loginColumns(deactivate)} rows={users} rowKey={(u) => u.userId} />
      <h2>Reps</h2>
      <DataTable testId="reps" columns={repColumns(deactivate)} rows={reps} rowKey={(r) => r.repId} />
    </section>
  );
}

type Deactivate = (path: string) => Promise<void>;

function loginColumns(deactivate: Deactivate): Array<Column<Login>> {
  return [
    { label: 'Email', cell: (u) => u.email },
    { label: 'Name', cell: (u) => u.name },
    {
      label: 'Role',
      cell: (u) => (
        <>
          {u.role}
          {u.repId && ` · ${u.repId}`}
        </>
      ),
    },
    { label: 'Status', cell: (u) => (u.active ? 'active' : 'deactivated') },
    {
      label: 'Actions',
      labelHidden: true,
      cell: (u) =>
        u.active && (
          <button type="button" className="secondary" onClick={() => void deactivate(`/v1/users/${u.userId}/deactivate`)}>
            Deactivate <span className="sr-only">{u.email}</span>
          </button>
        ),
    },
  ];
}

function repColumns(deactivate: Deactivate): Array<Column<RepLoad>> {
  return [
    {
      label: 'Rep',
      cell: (r) => <RepName rep={r} />,
    },
    { label: 'Team', cell: (r) => words(r.team) },
    { label: 'Capacity', cell: (r) => r.capacity },
    { label: 'Status', cell: (r) => (r.active ? 'routing' : 'deactivated') },
    {
      label: 'Actions',
      labelHidden: true,
      cell: (r) =>
        r.active && (
          <button type="button" className="secondary" onClick={() => void deactivate(`/v1/reps/${encodeURIComponent(r.repId)}/deactivate`)}>
            Deactivate <span className="sr-only">{r.repId}</span>
          </button>
        ),
    },
  ];
}

function useForm() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const fail = (err: unknown) => {
    setErrors(err instanceof ApiError ? err.fields() : {});
    setMessage({ kind: 'error', text: messageOf(err) });
  };
  const succeed = (text: string) => {
    setErrors({});
    setMessage({ kind: 'ok', text });
  };
  return { errors, message, fail, succeed };
}

function AddRep({ onAdded }: { onAdded: () => void }) {
  const [rep, setRep] = useState({ repId: '', name: '', email: '', team: '', capacity: '25', isTeamLead: false });
  const { errors, message, fail, succeed } = useForm();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api('POST', '/v1/reps', {
        repId: rep.repId.trim(),
        name: rep.name,
        ...(rep.email.trim() ? { email: rep.email.trim() } : {}),
        team: rep.team || undefined,
        capacity: Number(rep.capacity),
        isTeamLead: rep.isTeamLead,
      });
      succeed(`Rep ${rep.repId} added; leads for ${words(rep.team)} can now route to them.`);
      onAdded();
    } catch (err) {
      fail(err);
    }
  };
  const set = (key: keyof typeof rep) => (v: string) => setRep({ ...rep, [key]: v });
  return (
    <section className="card" aria-labelledby="add-rep">
      <h2 id="add-rep">Add a rep</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
        <TextField label="Rep id" name="repId" value={rep.repId} onChange={set('repId')} error={errors.repId} hint="e.g. ir-pat" />
        <TextField label="Name" name="name" value={rep.name} onChange={set('name')} error={errors.name} />
        <TextField label="Email" name="email" type="email" value={rep.email} onChange={set('email')} error={errors.email} />
        <SelectField label="Team" name="team" value={rep.team} options={TEAMS} blank="— choose —" onChange={set('team')} error={errors.team} />
        <TextField label="Capacity (open leads)" name="capacity" type="number" value={rep.capacity} onChange={set('capacity')} error={errors.capacity} />
        <label className="check">
          <input type="checkbox" checked={rep.isTeamLead} onChange={(e) => setRep({ ...rep, isTeamLead: e.target.checked })} /> Team lead (gets escalations, not round robin)
        </label>
        <button type="submit">Add rep</button>
      </form>
    </section>
  );
}

function AddLogin({ reps, onAdded }: { reps: RepLoad[]; onAdded: () => void }) {
  const [login, setLogin] = useState({ email: '', name: '', role: 'rep', repId: '' });
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const { errors, message, fail, succeed } = useForm();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    try {
      const res = await api<{ user: Login; password: string }>('POST', '/v1/users', {
        email: login.email.trim(),
        name: login.name,
        role: login.role,
        ...(login.role === 'rep' && login.repId ? { repId: login.repId } : {}),
      });
      setCreated({ email: res.user.email, password: res.password });
      succeed(`Login ${res.user.email} created.`);
      onAdded();
    } catch (err) {
      fail(err);
    }
  };
  const set = (key: keyof typeof login) => (v: string) => setLogin({ ...login, [key]: v });
  return (
    <section className="card" aria-labelledby="add-login">
      <h2 id="add-login">Add a login</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
        {created && (
          <p className="password" data-testid="new-password">
            Password for {created.email}, shown once — hand it over privately: <code>{created.password}</code>
          </p>
        )}
        <TextField label="Email" name="email" type="email" value={login.email} onChange={set('email')} error={errors.email} />
        <TextField label="Name" name="name" value={login.name} onChange={set('name')} error={errors.name} />
        <SelectField label="Role" name="role" value={login.role} options={['rep', 'manager']} onChange={set('role')} error={errors.role} />
        {login.role === 'rep' && (
          <SelectField label="Acts as rep" name="repId" value={login.repId} options={reps.map((r) => r.repId)} blank="— choose —" onChange={set('repId')} error={errors.repId} />
        )}
        <button type="submit">Add login</button>
      </form>
    </section>
  );
}
