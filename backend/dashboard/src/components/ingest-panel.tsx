import {
  type ChangeEvent,
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  useEffect,
  useRef,
  useState,
} from 'react';
import { messageOf } from '../api/http.js';
import { detectFormat, type IngestFormat } from '../lib/ingest-body.js';
import { httpSender } from '../lib/ingest-http.js';
import { INGEST_LIMITS, MAX_UPLOAD_BYTES } from '../lib/ingest-limits.js';
import { type UploadEnd, uploadBatches } from '../lib/ingest-send.js';
import { batchesOf, type IngestInput, sampleOf } from '../lib/ingest-source.js';
import { IngestTally, type IngestTotals } from '../lib/ingest-tally.js';
import { button, card, control, field, fieldError, row, stack } from '../lib/ui.js';

const SAMPLE = [
  '{"level":30,"time":1767225600000,"msg":"GET /api/cart 200","responseTime":42}',
  '{"level":50,"time":1767225601000,"msg":"db timeout after 5000 ms","err":{"message":"ETIMEDOUT"}}',
  '2026-01-01T00:00:02Z ERROR payment declined for order 1234',
].join('\n');

// A paste this long is kept beside the text box, not in it: Chromium re-lays out a text box's whole
// text on every keystroke, so with 5 MB in it a keystroke took seconds to appear (issue #19).
const HOLD_PASTE_CHARS = 256 * 1024;

type Form = Exclude<IngestFormat, 'auto'>;
type Result = { totals: IngestTotals; format: Form; end: UploadEnd };
type Progress = { done: number; total: number; stored: number };
/** A file chosen or dropped, or a long paste: sent instead of the text box. */
type Held = { blob: Blob; name: string; pasted: boolean };

const count = (n: number) => n.toLocaleString('en-US');

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function tooBig(name: string, bytes: number): string {
  return `${name} is ${size(bytes)}; the limit is ${size(MAX_UPLOAD_BYTES)}. Split it.`;
}

/**
 * Log ingest by paste, file upload or drop (NDJSON, JSON or plain text, up to 50 MiB): split into
 * batches under the API's limits, sent with a progress bar and a way to cancel, every rejection
 * listed by its line in the original text. The text box is uncontrolled (nothing reads it
 * until the form is sent), and a long paste is held beside it rather than in it.
 */
export function IngestPanel({ projectId, onIngested }: { projectId: string; onIngested: () => void }) {
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const abortRef = useRef<AbortController | undefined>(undefined);
  const [held, setHeld] = useState<Held>();
  const [format, setFormat] = useState<IngestFormat>('auto');
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<Result>();
  const [busy, setBusy] = useState(false);

  useEffect(() => () => abortRef.current?.abort(), []);

  const hold = (next: Held) => {
    if (next.blob.size > MAX_UPLOAD_BYTES) return setError(tooBig(next.name, next.blob.size));
    setError(undefined);
    setHeld(next);
  };

  const forgetHeld = () => {
    setHeld(undefined);
    if (fileRef.current) fileRef.current.value = '';
  };

  // Typing means the text box is what is to be sent.
  const onText = () => {
    if (held) forgetHeld();
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const text = e.clipboardData.getData('text/plain');
    if (text.length < HOLD_PASTE_CHARS || busy) return;
    e.preventDefault();
    hold({ blob: new Blob([text], { type: 'text/plain' }), name: 'The paste', pasted: true });
  };

  const onDrop = (e: DragEvent) => {
    if (busy) return;
    const dropped = e.dataTransfer.files[0];
    const text = dropped ? '' : e.dataTransfer.getData('text/plain');
    if (dropped) hold({ blob: dropped, name: dropped.name, pasted: false });
    // Dropped text is a paste by another name: a long one is held beside the box too.
    else if (text.length >= HOLD_PASTE_CHARS)
      hold({ blob: new Blob([text], { type: 'text/plain' }), name: 'The paste', pasted: true });
    else return;
    e.preventDefault();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const text = textRef.current?.value ?? '';
    const input: IngestInput = held ? { kind: 'file', file: held.blob } : { kind: 'text', text };
    if (!held && !/\S/.test(text)) return setError('Paste some log lines or choose a file first.');
    const total = held ? held.blob.size : new Blob([text]).size;
    if (total > MAX_UPLOAD_BYTES) return setError(tooBig('The text', total));
    const controller = new AbortController();
    abortRef.current = controller;
    setError(undefined);
    setResult(undefined);
    setBusy(true);
    setProgress({ done: 0, total, stored: 0 });
    const tally = new IngestTally(INGEST_LIMITS.maxReportedErrors);
    try {
      const chosen = format === 'auto' ? detectFormat(await sampleOf(input)) : format;
      // Only an NDJSON body the user chose is held to one JSON object a line: detected or plain
      // text lines are read by the server as JSON when they parse and as text otherwise.
      const plan = { form: chosen, strictNdjson: format === 'ndjson' };
      const limits = { maxRecords: INGEST_LIMITS.maxBatchRecords, maxBytes: INGEST_LIMITS.maxBodyBytes };
      let done = 0;
      const end = await uploadBatches(batchesOf(input, plan, limits, tally, projectId), tally, {
        send: httpSender(projectId),
        signal: controller.signal,
        onSettled: (batch) => {
          done = Math.min(total, done + batch.inputBytes);
          setProgress({ done, total, stored: tally.totals().accepted });
        },
      });
      const totals = tally.totals();
      // Blank lines after the last batch settle with no request: the bar ends full all the same.
      if (end.kind === 'done') setProgress({ done: total, total, stored: totals.accepted });
      setResult({ totals, format: chosen, end });
      if (totals.accepted > 0) onIngested();
    } catch (err) {
      setError(messageOf(err));
      setProgress(undefined);
    } finally {
      abortRef.current = undefined;
      setBusy(false);
    }
  };

  return (
    <section className={card} aria-labelledby="ingest-title" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <h2 id="ingest-title">Send logs</h2>
      <form className={stack} onSubmit={submit}>
        <label className={field}>
          <span>Paste log lines (pino or winston JSON, OpenTelemetry records, or plain text)</span>
          <textarea
            ref={textRef}
            className={`${control} w-full resize-y font-mono text-ui`}
            name="logs"
            rows={8}
            spellCheck={false}
            autoComplete="off"
            placeholder={SAMPLE}
            onInput={onText}
            onPaste={onPaste}
          />
        </label>
        <div className={`${row} flex-wrap`}>
          <label className={field}>
            <span>…or upload a file</span>
            <input
              ref={fileRef}
              className="min-h-10 max-w-full rounded-md border-0 bg-surface py-[0.45rem] pr-[0.6rem] pl-0 text-text"
              type="file"
              accept=".log,.txt,.json,.ndjson,.jsonl,text/plain,application/json"
              onChange={(e: ChangeEvent<HTMLInputElement>) => {
                const chosen = e.target.files?.[0];
                if (chosen) hold({ blob: chosen, name: chosen.name, pasted: false });
              }}
            />
          </label>
          <label className={field}>
            <span>Format</span>
            <select className={control} value={format} onChange={(e) => setFormat(e.target.value as IngestFormat)}>
              <option value="auto">Detect</option>
              <option value="ndjson">NDJSON (one JSON record a line)</option>
              <option value="json">JSON array or {'{ logs: [...] }'}</option>
              <option value="text">Plain text lines</option>
            </select>
          </label>
          <button type="submit" className={`${button('primary')} self-end`} disabled={busy}>
            {busy ? 'Sending…' : 'Send logs'}
          </button>
          {busy ? (
            <button type="button" className={`${button()} self-end`} onClick={() => abortRef.current?.abort()}>
              Cancel
            </button>
          ) : (
            <button
              type="button"
              className={`${button('ghost')} self-end`}
              onClick={() => {
                if (textRef.current) textRef.current.value = SAMPLE;
                forgetHeld();
              }}
            >
              Use a sample
            </button>
          )}
        </div>
        {held && (
          <p className={`${row} m-0 flex-wrap text-muted text-sm`}>
            <span>
              {held.pasted
                ? `Pasted ${size(held.blob.size)}: kept beside the text box, where that much text would make typing slow. It is sent instead of the box; typing in the box drops it.`
                : `Loaded ${held.name}. ${size(held.blob.size)}; it is sent instead of the text box.`}
            </span>
            <button type="button" className={button('ghost', 'small')} onClick={forgetHeld} disabled={busy}>
              {held.pasted ? 'Drop the paste' : 'Remove the file'}
            </button>
          </p>
        )}
        {progress && (
          <div className="flex flex-col gap-1" data-testid="ingest-progress">
            <progress
              className="h-2 w-full accent-accent"
              aria-label="Sending logs"
              max={progress.total}
              value={progress.done}
            />
            <p className="m-0 text-muted text-sm">
              {size(progress.done)} of {size(progress.total)} {busy ? 'sent so far' : 'sent'}, {count(progress.stored)}{' '}
              {progress.stored === 1 ? 'record' : 'records'} stored.
            </p>
          </div>
        )}
        <p className="m-0 text-muted text-sm">Up to {size(MAX_UPLOAD_BYTES)}; a file can also be dropped here.</p>
      </form>
      <div aria-live="polite">
        {error && (
          <p className={fieldError} role="alert">
            {error}
          </p>
        )}
        {result && <IngestResult result={result} />}
      </div>
    </section>
  );
}

/** The figures of a finished upload and its first problems, each by its line in the original text. */
function IngestResult({ result }: { result: Result }) {
  const { totals, format, end } = result;
  const noun = format === 'json' ? 'records' : 'lines';
  const Noun = format === 'json' ? 'Record' : 'Line';
  const read = totals.accepted + totals.rejected + totals.notSent;
  return (
    <div className="mt-3" data-testid="ingest-result">
      <p>
        <strong>{count(totals.accepted)}</strong> accepted, <strong>{count(totals.rejected)}</strong> rejected (as{' '}
        {format}), of {count(read)} {noun} in {count(totals.requests)} {totals.requests === 1 ? 'request' : 'requests'}.{' '}
        {totals.accepted > 0 && 'They are scored within about a minute.'}
      </p>
      {totals.notSent > 0 && (
        <p className="text-danger">
          {count(totals.notSent)} {noun} were not sent.
        </p>
      )}
      {end.kind !== 'done' && (
        <p className="text-danger" role="alert">
          {end.kind === 'cancelled' ? 'Cancelled.' : `Stopped: ${end.reason}.`}{' '}
          {end.lastRead > 0
            ? `Nothing after ${noun.slice(0, -1)} ${count(end.lastRead)} was sent.`
            : 'Nothing was sent.'}
        </p>
      )}
      {totals.failures.length > 0 && (
        <ul className="pl-5 text-danger text-sm" aria-label="Requests that failed">
          {totals.failures.slice(0, 20).map((f) => (
            <li key={f}>{f}</li>
          ))}
          {totals.failures.length > 20 && <li>…and {totals.failures.length - 20} more.</li>}
        </ul>
      )}
      {(totals.problems.length > 0 || totals.unlisted > 0) && (
        <ul className="pl-5 text-sm" aria-label="Rejected lines">
          {totals.problems.map((p) => (
            <li key={`${p.number}:${p.reason}`} className="mb-[0.35rem]">
              <strong>
                {Noun} {p.number}
                {p.kept ? ' (kept)' : ''}:
              </strong>{' '}
              {p.reason}
              {p.text !== undefined && <code className="block truncate text-muted">{p.text}</code>}
            </li>
          ))}
          {totals.unlisted > 0 && (
            <li className="mb-[0.35rem] text-muted">
              …and {count(totals.unlisted)} more rejected {noun} not listed.
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
