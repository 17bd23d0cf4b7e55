import { useState } from 'react';
import { INTEGRATIONS, type Integration, snippet } from '../lib/setup-snippets.js';
import { card, stack } from '../lib/ui.js';
import { CopyButton } from './copy-button.js';

const CODE_BLOCK = 'relative flex flex-col items-start gap-[0.4rem]';
const PRE = 'm-0 w-full overflow-x-auto rounded-md bg-none-bg p-3';

import { Tabs } from './tabs.js';

/** Copy-paste set-up for pino, winston, OpenTelemetry and curl, with this project's endpoint and id. */
export function SetupSnippets({ projectId, apiKey }: { projectId: string; apiKey: string | undefined }) {
  const [kind, setKind] = useState<Integration>('pino');
  const s = snippet(kind, { endpoint: window.location.origin, projectId, key: apiKey });
  return (
    <section className={card} aria-labelledby="setup-title">
      <h2 id="setup-title">Set up an SDK</h2>
      <p className="text-muted text-sm">
        Endpoint <code>{window.location.origin}</code> · project <code>{projectId}</code>
      </p>
      <Tabs label="Integration" idPrefix="setup" tabs={INTEGRATIONS} selected={kind} onSelect={setKind} />
      <div role="tabpanel" id={`setup-panel-${kind}`} aria-labelledby={`setup-tab-${kind}`} className={stack}>
        <div className={CODE_BLOCK}>
          {/* Focusable: long lines scroll sideways on a phone, and keyboard users must reach them. */}
          <pre
            className={PRE}
            data-testid="snippet-install"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: see above.
            tabIndex={0}
          >
            {s.install}
          </pre>
          <CopyButton text={s.install} label="Copy commands" />
        </div>
        <div className={CODE_BLOCK}>
          <pre
            className={PRE}
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
