import { LIMITS } from '@cloudsage/schema';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { CloudSageError } from './errors.js';
import type { FetchLike } from './http-fetch.js';
import type { RedactOptions } from './redact.js';
import type { RetryOptions } from './retry-policy.js';
import type { Sender } from './send.js';

/** A record as given to `log()`: any JSON-able object; `time`, `level` and `msg` are the usual fields. */
export type LogInput = Record<string, unknown>;

/** `beforeSend`: change the record, or return `null` to drop it. */
export type BeforeSend = (record: LogInput) => LogInput | null | undefined;

/**
 * Options of `new CloudSage()`. Only `endpoint` and `apiKey` are required (or `sender`, in tests).
 *
 * @example
 * const options: CloudSageOptions = { endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY! };
 */
export interface CloudSageOptions {
  /**
   * The backend's origin, e.g. `http://127.0.0.1:3001`; batches go to `${endpoint}/api/ingest`. The full
   * ingest URL works too (a trailing `/api/ingest` is dropped); another path prefix is kept.
   */
  endpoint?: string;
  /** A project API key (`csk_...`), sent as `Authorization: Bearer`. */
  apiKey?: string;
  /** Sent as `X-CloudSage-Project`; the read API's default project. */
  projectId?: string;
  /** Added as `service` to records that have none. */
  service?: string;
  /** When a batch is sent: whichever comes first. */
  batch?: { maxRecords?: number; maxBytes?: number; maxWaitMs?: number };
  /** Buffer bound by records (default 100,000). */
  maxBufferRecords?: number;
  /** Buffer bound by bytes, batches in flight included (default 64 MiB). */
  maxBufferBytes?: number;
  /** What to drop when the buffer is full (default `oldest-low-first`). */
  dropPolicy?: 'oldest-low-first' | 'oldest' | 'newest';
  /** Per-record limit; longer records are truncated with a marker (default `LIMITS.maxRecordBytes`). */
  maxRecordBytes?: number;
  /**
   * How long and how often a batch is retried, or `false` for a single attempt. By default a batch is
   * retried with full-jitter backoff (250 ms doubling to 30 s, or as `Retry-After` says) for up to
   * `maxAgeMs` (10 min); 401/403/404 every `reprobeMs` (60 s). `retries` and `maxRetryTimeMs` (the old
   * budget) are still accepted: deprecated, prefer `maxAgeMs`.
   */
  retry?:
    | false
    | {
        minDelayMs?: number;
        maxDelayMs?: number;
        maxAgeMs?: number;
        reprobeMs?: number;
        /** @deprecated Bound retrying by `maxAgeMs`. */
        retries?: number;
        /** @deprecated The former name of `maxAgeMs`. */
        maxRetryTimeMs?: number;
      };
  /** Timeout of one HTTP request (default 30 s). */
  requestTimeoutMs?: number;
  /** Batches in flight at once (default 2). */
  concurrency?: number;
  /** Redaction; on by default with the built-in patterns. `false` turns it off. */
  redact?: false | RedactOptions;
  /** Last look at each record before it is buffered; a throwing hook drops the record (`before_send`). */
  beforeSend?: BeforeSend;
  /** Background problems (drops, failed batches) as a `CloudSageError`; never called synchronously with a throw. */
  onError?: (error: CloudSageError) => void;
  /** A `fetch` to use instead of undici (Bun, Deno, edge, msw). */
  fetch?: FetchLike;
  /** Replaces the ingest sender, e.g. with an `InMemorySender`. */
  sender?: Sender;
  /** @deprecated The former name of `sender`; still accepted. */
  transport?: Sender;
  /** Flush on `beforeExit`, SIGTERM and SIGINT (default `true`, deadline 5 s). */
  exitHooks?: boolean | { timeoutMs?: number };
  /** Default deadline of `flush()` and `shutdown()` (default 10 s). */
  flushTimeoutMs?: number;
  /**
   * Directory of the on-disk spool (off by default), or `'auto'`: a directory of its own per user,
   * backend and key under `$XDG_STATE_HOME/cloudsage/spool` (`~/.local/state/...`). Batches that cannot
   * be sent (the backend down past `retry.maxAgeMs`, a refused key, or the process exiting first) are
   * written there, one checksummed segment file each, and re-sent with their original Idempotency-Key
   * at the next start.
   */
  spoolDir?: string;
  /** Spool caps: total bytes (default 256 MiB), age (default and at most 23 h, inside the backend's
   *  24 h idempotency window), and the pause between re-send passes while the backend is down (30 s). */
  spool?: { maxBytes?: number; maxAgeMs?: number; retryIntervalMs?: number };
  /**
   * Injected for tests: time, randomness, batch ids, and where the warning lines go (by default
   * `process.emitWarning`, or stderr directly in a worker thread).
   */
  clock?: Clock;
  random?: () => number;
  idGenerator?: () => string;
  stderr?: { write(line: string): unknown };
}

// Below the backend's 24 h idempotency window, so a re-sent batch it already has still counts once.
const SPOOL_MAX_AGE_MS = 23 * 3_600_000;

// A batch is retried this long by default: longer than a backend restart or a deploy takes.
const DEFAULT_MAX_AGE_MS = 10 * 60_000;

const fn = <T>(name: string) =>
  z.custom<T>((v) => typeof v === 'function', { message: `${name} must be a function` }).optional();
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const senderOption = (name: string) =>
  z
    .custom<Sender>((v) => typeof (v as Sender | null)?.send === 'function', {
      message: `${name} must have a send(batch) method`,
    })
    .optional();

const Schema = z
  .object({
    endpoint: z
      .url({ protocol: /^https?$/, message: 'endpoint must be an http(s) URL such as http://127.0.0.1:3001' })
      // The origin is what the client wants; a pasted ingest URL (`.../api/ingest`) means the same backend.
      // Other path prefixes are kept: a backend behind a reverse proxy at `/cloudsage`.
      .transform((u) => u.replace(/\/+$/, '').replace(/\/api\/ingest$/, ''))
      .optional(),
    apiKey: z.string().min(1).optional(),
    projectId: z.string().min(1).max(64).optional(),
    service: z.string().min(1).max(256).optional(),
    batch: z
      .object({
        maxRecords: int(1, LIMITS.maxBatchRecords).default(1000),
        maxBytes: int(1024, LIMITS.maxInflatedBytes).default(1024 * 1024),
        maxWaitMs: int(0, 3_600_000).default(1000),
      })
      .prefault({}),
    maxBufferRecords: int(1, 100_000_000).default(100_000),
    maxBufferBytes: int(64 * 1024, 2 ** 40).default(64 * 1024 * 1024),
    dropPolicy: z.enum(['oldest-low-first', 'oldest', 'newest']).default('oldest-low-first'),
    maxRecordBytes: int(256, LIMITS.maxRecordBytes).default(LIMITS.maxRecordBytes),
    retry: z
      .union([
        z.literal(false),
        z
          .object({
            retries: int(0, 1_000_000).optional(),
            minDelayMs: int(0, 600_000).default(250),
            maxDelayMs: int(0, 3_600_000).default(30_000),
            maxAgeMs: int(0, 24 * 3_600_000).optional(),
            maxRetryTimeMs: int(0, 24 * 3_600_000).optional(),
            reprobeMs: int(10, 3_600_000).default(60_000),
          })
          .transform(
            ({ retries, minDelayMs, maxDelayMs, maxAgeMs, maxRetryTimeMs, reprobeMs }): RetryOptions => ({
              retries,
              minDelayMs,
              maxDelayMs,
              maxAgeMs: maxAgeMs ?? maxRetryTimeMs ?? DEFAULT_MAX_AGE_MS,
              reprobeMs,
            }),
          ),
      ])
      .prefault({}),
    requestTimeoutMs: int(1, 3_600_000).default(30_000),
    concurrency: int(1, 64).default(2),
    redact: z
      .union([
        z.literal(false),
        z.object({
          paths: z.array(z.string().min(1)).default([]),
          patterns: z
            .array(
              z.union([
                z.instanceof(RegExp),
                z.object({ pattern: z.instanceof(RegExp), replacement: z.string().optional() }),
              ]),
            )
            .default([]),
          replacement: z.string().default('[REDACTED]'),
          defaults: z.boolean().default(true),
        }),
      ])
      .prefault({}),
    beforeSend: fn<BeforeSend>('beforeSend'),
    onError: fn<(error: CloudSageError) => void>('onError'),
    fetch: fn<FetchLike>('fetch'),
    sender: senderOption('sender'),
    transport: senderOption('transport'),
    exitHooks: z
      .union([z.boolean(), z.object({ timeoutMs: int(0, 600_000).default(5000) })])
      .default(true)
      .transform((v) => (v === false ? false : { timeoutMs: v === true ? 5000 : v.timeoutMs })),
    flushTimeoutMs: int(0, 3_600_000).default(10_000),
    spoolDir: z.string().min(1).optional(),
    spool: z
      .object({
        maxBytes: int(64 * 1024, 2 ** 40).default(256 * 1024 * 1024),
        maxAgeMs: int(1000, SPOOL_MAX_AGE_MS).default(SPOOL_MAX_AGE_MS),
        retryIntervalMs: int(10, 3_600_000).default(30_000),
      })
      .strict()
      .prefault({}),
    clock: z.custom<Clock>((v) => typeof (v as Clock | null)?.now === 'function').optional(),
    random: fn<() => number>('random'),
    idGenerator: fn<() => string>('idGenerator'),
    stderr: z
      .custom<{ write(line: string): unknown }>((v) => typeof (v as { write?: unknown } | null)?.write === 'function')
      .optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.sender && !o.transport && (!o.endpoint || !o.apiKey)) {
      ctx.addIssue({ code: 'custom', message: 'endpoint and apiKey are required (unless a sender is given)' });
    }
  });

/** The options after validation and defaults. */
export type ResolvedOptions = z.output<typeof Schema>;

/**
 * Validates the options (fail fast on configuration): throws `CloudSageError('invalid_options')` with
 * every problem listed.
 *
 * @example
 * resolveOptions({ endpoint: 'http://127.0.0.1:3001', apiKey: 'csk_x' }).batch.maxRecords; // 1000
 */
export function resolveOptions(options: CloudSageOptions): ResolvedOptions {
  const parsed = Schema.safeParse(options ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new CloudSageError('invalid_options', `invalid CloudSage options: ${problems}`, {
      details: parsed.error.issues,
    });
  }
  return parsed.data;
}
