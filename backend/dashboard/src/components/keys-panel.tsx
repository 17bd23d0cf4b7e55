import type { ApiKey, CreatedApiKey, KeyScope } from '@cloudsage/schema';
import { type FormEvent, useState } from 'react';
import { createKey, listKeys, revokeKey } from '../api/endpoints.js';
import { messageOf } from '../api/http.js';
import { useResource } from '../hooks/use-resource.js';
import { button, card, check, checkbox, control, field, fieldError, grow, row } from '../lib/ui.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { CopyButton } from './copy-button.js';
import { SetupSnippets } from './setup-snippets.js';
import { Empty, ErrorState, Loading } from './states.js';

function CreateKeyForm({ projectId, onCreated }: { projectId: string; onCreated: (k: CreatedApiKey) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Record<KeyScope, boolean>>({ ingest: true, read: false });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = (Object.keys(scopes) as KeyScope[]).filter((s) => scopes[s]);
    if (!name.trim()) return setError('Name the key after where it will be used.');
    if (chosen.length === 0) return setError('Pick at least one scope.');
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await createKey(projectId, name.trim(), chosen));
      setName('');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className={`${row} flex-wrap`} onSubmit={submit} aria-label="Create an API key">
      <label className={`${field} ${grow}`}>
        <span>Key name</span>
        <input
          className={control}
          value={name}
          maxLength={100}
          placeholder="production api"
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <fieldset className="m-0 flex gap-4 rounded-md border border-border px-3 py-0">
        <legend className="px-1 font-semibold text-field">Scopes</legend>
        {(['ingest', 'read'] as const).map((s) => (
          <label key={s} className={check}>
            <input
              className={checkbox}
              type="checkbox"
              checked={scopes[s]}
              onChange={(e) => setScopes({ ...scopes, [s]: e.target.checked })}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <button type="submit" className={`${button('primary')} self-end`} disabled={busy}>
        {busy ? 'Creating…' : 'Create key'}
      </button>
      <p className={`${fieldError} basis-full`} role="alert">
        {error ?? ''}
      </p>
    </form>
  );
}

/** API keys: create (the secret shown once, with copy), list, revoke with confirmation; SDK set-up. */
export function KeysPanel({ projectId }: { projectId: string }) {
  const keys = useResource(() => listKeys(projectId), projectId);
  const [created, setCreated] = useState<CreatedApiKey>();
  const [revoking, setRevoking] = useState<ApiKey>();

  return (
    <>
      <section className={card} aria-labelledby="keys-title">
        <h2 id="keys-title">API keys</h2>
        <CreateKeyForm
          projectId={projectId}
          onCreated={(k) => {
            setCreated(k);
            const { key: _secret, ...listed } = k;
            keys.set((list) => [listed, ...(list ?? [])]);
          }}
        />
        {created && (
          <div className="my-3 rounded-lg border border-accent p-3" role="status" data-testid="new-key">
            <p className="mt-0">
              <strong>Copy this key now.</strong> It is shown only once; CloudSage keeps only its hash.
            </p>
            <div className={`${row} flex-wrap`}>
              <code
                className="wrap-anywhere rounded-sm bg-none-bg px-2 py-[0.3rem] select-all"
                data-testid="new-key-value"
              >
                {created.key}
              </code>
              <CopyButton text={created.key} label="Copy key" />
              <button type="button" className={button('ghost')} onClick={() => setCreated(undefined)}>
                Done
              </button>
            </div>
          </div>
        )}
        {keys.status === 'error' && !keys.data ? (
          <ErrorState title="Could not load keys" message={messageOf(keys.error)} onRetry={keys.reload} />
        ) : !keys.data ? (
          <Loading label="Loading keys" minHeight={80} />
        ) : keys.data.length === 0 ? (
          <Empty minHeight={80}>
            <p>No keys yet. Create one for each service that sends logs.</p>
          </Empty>
        ) : (
          <ul className="mt-3 mb-0 list-none p-0" aria-label="Keys">
            {keys.data.map((k) => (
              <li key={k.id} className="flex flex-wrap items-center gap-2 border-border border-b py-2">
                <span className={grow}>
                  <strong>{k.name}</strong> <code>{k.prefix}…</code>
                  <span className="text-muted text-sm">
                    {' '}
                    {k.scopes.join(' + ')} · created {new Date(k.createdAt).toLocaleDateString()}
                    {k.lastUsedAt ? ` · last used ${new Date(k.lastUsedAt).toLocaleString()}` : ' · never used'}
                  </span>
                </span>
                <button type="button" className={button('danger-text')} onClick={() => setRevoking(k)}>
                  Revoke<span className="sr-only"> {k.name}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <SetupSnippets projectId={projectId} apiKey={created?.key} />
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${revoking.name}?`}
          confirmLabel="Revoke key"
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await revokeKey(projectId, revoking.id);
            keys.set((list) => (list ?? []).filter((k) => k.id !== revoking.id));
            if (created?.id === revoking.id) setCreated(undefined);
          }}
        >
          <p>Anything still sending with this key is refused from now on.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
