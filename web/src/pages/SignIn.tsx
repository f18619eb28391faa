import { useState, type FormEvent } from 'react';
import { api } from '../api';
import type { SessionUser } from '../types';
import { messageOf, Notice, TextField } from '../ui';

export function SignInPage({ onSignedIn }: { onSignedIn: (s: { user: SessionUser; csrfToken: string }) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await api<{ user: SessionUser; csrfToken: string }>('POST', '/v1/session', { email, password }));
    } catch (err) {
      setError(messageOf(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <h1>Sign in to LeadGate</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby={error ? 'signin-error' : undefined}>
        <TextField label="Email" name="email" type="email" autoComplete="username" value={email} onChange={setEmail} required />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={setPassword} required />
        <div id="signin-error">
          <Notice kind="error">{error}</Notice>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
