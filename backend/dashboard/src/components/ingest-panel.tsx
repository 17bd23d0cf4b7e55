import type { IngestResponse } from '@cloudsage/schema';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import { ingest } from '../api/endpoints.js';
import { messageOf } from '../api/http.js';
import { CONTENT_TYPE, detectFormat, type IngestFormat, lineOf } from '../lib/ingest-body.js';
import { button, card, control, field, fieldError, row, stack } from '../lib/ui.js';

// The API's decompressed-body limit (LIMITS.maxInflatedBytes); checked here to fail fast and clearly.
const MAX_BYTES = 50 * 1024 * 1024;

/** Above this, the body is gzipped in the browser (the API takes 5 MiB compressed, 50 MiB inflated). */
const GZIP_ABOVE_BYTES = 1024 * 1024;

/** gzip with the browser's CompressionStream. */
async function gzip(text: string): Promise<Blob> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).blob();
}

const SAMPLE = [
  '{"level":30,"time":1767225600000,"msg":"GET /api/cart 200","responseTime":42}',
  '{"level":50,"time":1767225601000,"msg":"db timeout after 5000 ms","err":{"message":"ETIMEDOUT"}}',
  '2026-01-01T00:00:02Z ERROR payment declined for order 1234',
].join('\n');

type Result = { response: IngestResponse; format: Exclude<IngestFormat, 'auto'>; text: string };

/** Log ingest by paste or file upload (NDJSON, JSON or plain text), showing per-line rejections. */
export function IngestPanel({ projectId, onIngested }: { projectId: string; onIngested: () => void }) {
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string>();
  const [format, setFormat] = useState<IngestFormat>('auto');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<Result>();

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setError(`${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; the limit is 50 MiB a batch. Split it.`);
      return;
    }
    setError(undefined);
    setFileName(file.name);
    setText(await file.text());
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setError('Paste some log lines or choose a file first.');
    const chosen = format === 'auto' ? detectFormat(text) : format;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const size = new Blob([text]).size;
      const zipped = size > GZIP_ABOVE_BYTES;
      const body = zipped ? await gzip(text) : text;
      const response = await ingest(projectId, body, CONTENT_TYPE[chosen], zipped);
      setResult({ response, format: chosen, text });
      onIngested();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className={card} aria-labelledby="ingest-title">
      <h2 id="ingest-title">Send logs</h2>
      <form className={stack} onSubmit={submit}>
        <label className={field}>
          <span>Paste log lines (pino or winston JSON, OpenTelemetry records, or plain text)</span>
          <textarea
            className={`${control} w-full resize-y font-mono text-ui`}
            name="logs"
            rows={8}
            spellCheck={false}
            value={text}
            placeholder={SAMPLE}
            onChange={(e) => {
              setText(e.target.value);
              setFileName(undefined);
            }}
          />
        </label>
        <div className={`${row} flex-wrap`}>
          <label className={field}>
            <span>…or upload a file</span>
            <input
              className="min-h-10 max-w-full rounded-md border-0 bg-surface py-[0.45rem] pr-[0.6rem] pl-0 text-text"
              type="file"
              accept=".log,.txt,.json,.ndjson,.jsonl,text/plain,application/json"
              onChange={onFile}
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
          <button type="button" className={`${button('ghost')} self-end`} onClick={() => setText(SAMPLE)}>
            Use a sample
          </button>
        </div>
        {fileName && <p className="text-muted text-sm">Loaded {fileName}.</p>}
      </form>
      <div aria-live="polite">
        {error && (
          <p className={fieldError} role="alert">
            {error}
          </p>
        )}
        {result && (
          <div className="mt-3" data-testid="ingest-result">
            <p>
              <strong>{result.response.accepted}</strong> accepted, <strong>{result.response.rejected}</strong> rejected
              (as {result.format}). {result.response.accepted > 0 && 'They are scored within about a minute.'}
            </p>
            {result.response.errors.length > 0 && (
              <ul className="pl-5 text-sm">
                {result.response.errors.map((er) => {
                  const line = lineOf(result.text, result.format, er.index);
                  return (
                    <li key={er.index} className="mb-[0.35rem]">
                      <strong>{line ? `Line ${line.line}` : `Record ${er.index + 1}`}:</strong> {er.message}
                      {line && <code className="block truncate text-muted">{line.text.slice(0, 200)}</code>}
                    </li>
                  );
                })}
                {result.response.rejected > result.response.errors.length && (
                  <li className="mb-[0.35rem] text-muted">
                    …and {result.response.rejected - result.response.errors.length} more.
                  </li>
                )}
              </ul>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
