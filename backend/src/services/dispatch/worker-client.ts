import { type Baseline, type LogRecord, ScoreResponse } from '@cloudsage/schema';

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

/**
 * Calls the worker's `POST /score` with a deadline and validates the answer against the schema.
 * Network errors, timeouts, 408/429/5xx and invalid answers are retryable; 4xx other than those
 * mean our request is wrong and retrying cannot help.
 */
export async function callWorker(options: WorkerClientOptions, call: ScoreCall): Promise<ScoreOutcome> {
  const doFetch = options.fetch ?? fetch;
  const body = JSON.stringify({
    projectId: call.projectId,
    logs: call.logs,
    metadata: {
      window: call.window,
      ...(call.baseline ? { baseline: call.baseline } : {}),
      samplingRatio: call.samplingRatio,
      totalRecords: call.totalRecords,
    },
  });
  let res: Response;
  try {
    res = await doFetch(new URL('/score', options.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    return { ok: false, retryable: true, error: `worker unreachable: ${(err as Error).message}` };
  }
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
