import { type ReactNode, useContext, useEffect, useState } from 'react';
import { messageOf } from '../api/http.js';
import { Link } from '../lib/router.js';
import { SessionContext } from '../lib/session.js';
import { applyTheme, storedTheme, type ThemeChoice } from '../lib/theme.js';
import { button } from '../lib/ui.js';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  useEffect(() => applyTheme(choice), [choice]);
  return (
    <button
      type="button"
      className={button('ghost', 'compact')}
      onClick={() => setChoice(NEXT[choice])}
      aria-label={`Theme: ${choice}. Switch to ${NEXT[choice]}`}
      title="Switch theme"
    >
      {choice === 'dark' ? '☾' : choice === 'light' ? '☀' : '◐'}
      <span className="max-md:hidden"> {choice}</span>
    </button>
  );
}

/** The frame of every page: skip link, header (brand, projects, theme, sign-out) and main. */
export function Layout({ children }: { children: ReactNode }) {
  const session = useContext(SessionContext);
  const [error, setError] = useState<string>();
  return (
    <>
      <a className="absolute top-2 -left-[999px] z-10 bg-surface px-4 py-2 focus:left-2" href="#main">
        Skip to content
      </a>
      {/* One line, one height, signed in or not: the header must not grow when the session arrives
          (that pushed every page down at phone width). */}
      <header className="flex h-14 flex-nowrap items-center justify-between gap-2 border-b border-border bg-surface px-4">
        <Link
          href={session ? '/projects' : '/login'}
          className="inline-flex items-center gap-2 font-bold text-text no-underline"
        >
          <img src="/favicon.svg" alt="" width="24" height="24" />
          CloudSage
        </Link>
        <nav aria-label="Main" className="flex min-w-0 flex-nowrap items-center gap-1">
          {session && (
            <Link href="/projects" className="px-[0.4rem]">
              Projects
            </Link>
          )}
          <ThemeToggle />
          {session && (
            <>
              <span className="max-w-64 truncate text-muted max-md:hidden" title={session.user.email}>
                {session.user.email}
              </span>
              <button
                type="button"
                className={button('ghost', 'compact')}
                onClick={() => session.signOut().catch((e: unknown) => setError(messageOf(e)))}
              >
                Sign out
              </button>
            </>
          )}
        </nav>
      </header>
      {error && (
        <p className="m-0 bg-high-bg px-4 py-2 text-high" role="alert">
          Sign-out failed: {error}
        </p>
      )}
      <main id="main" tabIndex={-1} className="focus:outline-none">
        {children}
      </main>
      <footer className="border-border border-t px-4 py-3 text-muted text-sm">
        {/* A plain link: the reference is the API's own OpenAPI document rendered, not a dashboard page. */}
        <a href="/api/reference">API reference (OpenAPI)</a>
      </footer>
    </>
  );
}
