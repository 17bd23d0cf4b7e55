import {
  ACCEPT_POST_HEADER,
  type Baseline,
  type LogRecord,
  SCORE_NDJSON_CONTENT_TYPE,
  ScoreResponse,
} from '@cloudsage/schema';

/** Outcome of one call to the worker: a result, or a failure to retry later (never thrown). */
export type ScoreOutcome = { ok: true; result: ScoreResponse } | { ok: false; retryable: boolean; error: string };

/** How the dispatcher reaches the scoring worker. */
export interface WorkerClientOptions {
  url: string;
  apiKey: string | undefined;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** The body of `POST /score`. */
export interface ScoreCall {
  projectId: string;
  logs: LogRecord[];
  window: { from: string; to: string };
  baseline: Baseline | undefined;
  samplingRatio: number;
  totalRecords: number;
}

// Whether the worker behind an options object takes the stored form, as its last answer said
// (`Accept-Post`). Unknown until the first answer, so the first call is JSON: an older worker, which
// never names the type, is never sent a body it cannot read. Keyed by the options object, which the
// dispatcher keeps for its life, so tests with their own workers never share what was learned.
const takesStoredForm = new WeakMap<WorkerClientOptions, boolean>();

/**
 * The request as NDJSON, the stored form's lines: the envelope, then one record a line. Not gzipped:
 * it is as large as the JSON body it replaces, and deflating here and inflating in the worker would
 * cost about 0.75 us a record each (zlib level 1), close to what scoring a record costs.
 */
function ndjsonBody(call: ScoreCall): string {
  const lines = [JSON.stringify({ projectId: call.projectId, metadata: metadataOf(call) })];
  for (const record of call.logs) lines.push(JSON.stringify(record));
  lines.push('');
  return lines.join('\n');
}

function metadataOf(call: ScoreCall) {
  return {
    window: call.window,
    ...(call.baseline ? { baseline: call.baseline } : {}),
    samplingRatio: call.samplingRatio,
    totalRecords: call.totalRecords,
  };
}

async function post(options: WorkerClientOptions, body: string, headers: Record<string, string>): Promise<Response> {
  return (options.fetch ?? fetch)(new URL('/score', options.url), {
    method: 'POST',
    headers: { ...headers, ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
    body,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
}

/**
 * Calls the worker's `POST /score` with a deadline and validates the answer against the schema.
 * Network errors, timeouts, 408/429/5xx and invalid answers are retryable; 4xx other than those
 * mean our request is wrong and retrying cannot help.
 *
 * The window goes as NDJSON, the stored form's lines (which the worker checks line by line as it
 * reads, at a fraction of a JSON body's cost), once the worker has said it takes that form
 * (`Accept-Post` on an answer), else as JSON. A 415 to the stored form (an older replica behind the same URL, mid-upgrade) sends the
 * same window again as JSON at once, and JSON stays until a worker names the stored form again.
 *
 * @example
 * const outcome = await callWorker({ url: 'http://127.0.0.1:8080', apiKey, timeoutMs: 30_000 }, call);
 * if (outcome.ok) outcome.result.score;
 */
export async function callWorker(options: WorkerClientOptions, call: ScoreCall): Promise<ScoreOutcome> {
  let res: Response;
  try {
    if (takesStoredForm.get(options) === true) {
      res = await post(options, ndjsonBody(call), { 'content-type': SCORE_NDJSON_CONTENT_TYPE });
      if (res.status === 415) {
        takesStoredForm.set(options, false);
        await res.body?.cancel();
        res = await post(options, jsonBody(call), { 'content-type': 'application/json' });
      }
    } else {
      res = await post(options, jsonBody(call), { 'content-type': 'application/json' });
    }
  } catch (err) {
    return { ok: false, retryable: true, error: `worker unreachable: ${(err as Error).message}` };
  }
  takesStoredForm.set(options, res.headers.get(ACCEPT_POST_HEADER)?.includes(SCORE_NDJSON_CONTENT_TYPE) === true);
  let payload: unknown;
  try {
    payload = await res.json();
  } catch {
    return { ok: false, retryable: true, error: `worker answered ${res.status} with a body that is not JSON` };
  }
  if (!res.ok) {
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    return { ok: false, retryable, error: `worker answered ${res.status}` };
  }
  const parsed = ScoreResponse.safeParse(payload);
  if (!parsed.success) {
    return {
      ok: false,
      retryable: true,
      error: `worker answer invalid: ${parsed.error.issues[0]?.message ?? 'shape'}`,
    };
  }
  return { ok: true, result: parsed.data };
}

function jsonBody(call: ScoreCall): string {
  return JSON.stringify({ projectId: call.projectId, logs: call.logs, metadata: metadataOf(call) });
}
