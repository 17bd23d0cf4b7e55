import { useState } from 'react';
import { INTEGRATIONS, type Integration, snippet } from '../lib/setup-snippets.js';
import { CopyButton } from './copy-button.js';
import { Tabs } from './tabs.js';

/** Copy-paste set-up for pino, winston, OpenTelemetry and curl, with this project's endpoint and id. */
export function SetupSnippets({ projectId, apiKey }: { projectId: string; apiKey: string | undefined }) {
  const [kind, setKind] = useState<Integration>('pino');
  const s = snippet(kind, { endpoint: window.location.origin, projectId, key: apiKey });
  return (
    <section className="card" aria-labelledby="setup-title">
      <h2 id="setup-title">Set up an SDK</h2>
      <p className="muted small">
        Endpoint <code>{window.location.origin}</code> · project <code>{projectId}</code>
      </p>
      <Tabs label="Integration" idPrefix="setup" tabs={INTEGRATIONS} selected={kind} onSelect={setKind} />
      <div role="tabpanel" id={`setup-panel-${kind}`} aria-labelledby={`setup-tab-${kind}`} className="stack">
        <div className="code-block">
          {/* Focusable: long lines scroll sideways on a phone, and keyboard users must reach them. */}
          <pre
            data-testid="snippet-install"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: see above.
            tabIndex={0}
          >
            {s.install}
          </pre>
          <CopyButton text={s.install} label="Copy commands" />
        </div>
        <div className="code-block">
          <pre
            data-testid="snippet-code"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: scrolls sideways on a phone, as above.
            tabIndex={0}
          >
            {s.code}
          </pre>
          <CopyButton text={s.code} label="Copy code" />
        </div>
      </div>
    </section>
  );
}
