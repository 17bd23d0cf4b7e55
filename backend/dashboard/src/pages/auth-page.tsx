import type { User } from '@cloudsage/schema';
import { type FormEvent, useState } from 'react';
import { login, register } from '../api/endpoints.js';
import { ApiError, messageOf } from '../api/http.js';
import { usePageTitle } from '../hooks/use-page-title.js';
import { Link } from '../lib/router.js';
import { button, card, control, field, fieldError, stack } from '../lib/ui.js';
import { PAGE_NARROW } from './page.js';

// MIN_PASSWORD_LENGTH lives in @cloudsage/schema; importing the value would pull zod into the bundle.
const MIN_PASSWORD = 10;

function friendly(err: unknown, mode: 'login' | 'register'): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Wrong email or password.';
    if (err.status === 409) return 'An account with this email already exists. Sign in instead.';
    if (err.status === 429) return 'Too many attempts. Wait a minute and try again.';
    if (err.status === 400 && mode === 'register') return err.message;
  }
  return messageOf(err);
}

/** `/login` and `/register`: one form, two modes. */
export function AuthPage({ mode, onSignedIn }: { mode: 'login' | 'register'; onSignedIn: (user: User) => void }) {
  const title = mode === 'login' ? 'Sign in' : 'Create your account';
  usePageTitle(title);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'register' && password.length < MIN_PASSWORD) {
      setError(`Use a password of at least ${MIN_PASSWORD} characters.`);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(mode === 'login' ? await login(email, password) : await register(email, password));
    } catch (err) {
      setError(friendly(err, mode));
      setBusy(false);
    }
  };

  const next = new URLSearchParams(window.location.search).get('next');
  const carry = next ? `?next=${encodeURIComponent(next)}` : '';
  return (
    <section className={PAGE_NARROW}>
      <h1>{title}</h1>
      <form className={`${card} ${stack} mt-2`} onSubmit={submit} noValidate>
        <label className={field}>
          <span>Email</span>
          <input
            className={control}
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'auth-error' : undefined}
          />
        </label>
        <label className={field}>
          <span>Password</span>
          <input
            className={control}
            type="password"
            name="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'register' ? MIN_PASSWORD : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={mode === 'register' ? 'password-hint' : undefined}
          />
          {mode === 'register' && (
            <small id="password-hint" className="text-muted">
              At least {MIN_PASSWORD} characters.
            </small>
          )}
        </label>
        <p id="auth-error" className={fieldError} role="alert">
          {error ?? ''}
        </p>
        <button type="submit" className={button('primary')} disabled={busy}>
          {busy ? 'Please wait…' : title}
        </button>
      </form>
      <p className="text-center text-muted">
        {mode === 'login' ? (
          <>
            New here? <Link href={`/register${carry}`}>Create an account</Link>
          </>
        ) : (
          <>
            Have an account? <Link href={`/login${carry}`}>Sign in</Link>
          </>
        )}
      </p>
    </section>
  );
}
