import { type ReactNode, useContext, useEffect, useState } from 'react';
import { messageOf } from '../api/http.js';
import { Link } from '../lib/router.js';
import { SessionContext } from '../lib/session.js';
import { applyTheme, storedTheme, type ThemeChoice } from '../lib/theme.js';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  useEffect(() => applyTheme(choice), [choice]);
  return (
    <button
      type="button"
      className="btn btn-ghost"
      onClick={() => setChoice(NEXT[choice])}
      aria-label={`Theme: ${choice}. Switch to ${NEXT[choice]}`}
      title="Switch theme"
    >
      {choice === 'dark' ? '☾' : choice === 'light' ? '☀' : '◐'}
      <span className="hide-narrow"> {choice}</span>
    </button>
  );
}

/** The frame of every page: skip link, header (brand, projects, theme, sign-out) and main. */
export function Layout({ children }: { children: ReactNode }) {
  const session = useContext(SessionContext);
  const [error, setError] = useState<string>();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href={session ? '/projects' : '/login'} className="brand">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          CloudSage
        </Link>
        <nav aria-label="Main" className="topnav">
          {session && <Link href="/projects">Projects</Link>}
          <ThemeToggle />
          {session && (
            <>
              <span className="who hide-narrow" title={session.user.email}>
                {session.user.email}
              </span>
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => session.signOut().catch((e: unknown) => setError(messageOf(e)))}
              >
                Sign out
              </button>
            </>
          )}
        </nav>
      </header>
      {error && (
        <p className="banner banner-error" role="alert">
          Sign-out failed: {error}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
