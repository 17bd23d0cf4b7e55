import type { Readable } from 'node:stream';
import { type DropCounts, type IngestResponse, parseDroppedHeader } from '@cloudsage/schema';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import type { Identity } from '../../identity.js';
import type { Bucket } from '../../store/bucket/bucket.js';
import type { SqlStore } from '../../store/sql/open-sql.js';
import { isUniqueViolation } from '../../store/sql/unique-violation.js';
import type { DailyQuotaHook } from '../quota/daily-ingest-quota.js';
import { BatchWriter, batchObjectKey, newBatchId } from './batch-object.js';
import { BatchSummary, type SummaryData } from './batch-summary.js';
import { type BodyForm, bodyEncodingOf, bodyFormOf } from './body-form.js';
import { commitBatchGrouped } from './commit-group.js';
import { findReplay, IDEMPOTENCY_WINDOW_MS, parseIdempotencyKey } from './idempotency.js';
import { projectHint, resolveIngestProject } from './ingest-project.js';
import { checkIngestRate } from './ingest-rate-limit.js';
import { type PreparedBatch, type PrepareJob, prepareBatch } from './prepare-batch.js';
import { isUnstorableValue } from './unstorable-value.js';

/** What ingest works with: the stores, the configuration and the clock. */
export interface IngestDeps {
  sql: SqlStore;
  bucket: Bucket;
  config: Pick<Config, 'limits' | 'scoreWindowMs'>;
  now: () => number;
  /** Decodes, normalizes and serializes a body; the route passes its worker pool. Inline by default. */
  prepare?: (body: Readable, job: PrepareJob) => Promise<PreparedBatch>;
  /** Told about failures that are answered as 503 or cleaned up in the background. */
  onStoreError?: (err: unknown, what: string) => void;
  /** The per-project daily record quota: asked before the body is read, told what was stored. */
  quota?: DailyQuotaHook;
}

/** One ingest request as the route hands it over: the raw body stream and the headers that matter. */
export interface IngestInput {
  body: Readable;
  identity: Identity | null;
  contentType: string | undefined;
  /** The body's form when the route knows it (OTLP); else read from `contentType`. */
  form?: BodyForm;
  contentEncoding: string | undefined;
  contentLength: string | undefined;
  projectIdQuery: string | undefined;
  projectIdHeader: string | undefined;
  idempotencyKey: string | string[] | undefined;
  droppedHeader: string | undefined;
}

/** The outcome: the 202 body, and figures for metrics. */
export interface IngestOutcome {
  response: IngestResponse;
  /** True when this answers a replayed Idempotency-Key and nothing was written. */
  replayed: boolean;
  projectId: string;
  /** Uncompressed body bytes read (0 for a replay). */
  bytes: number;
}

function storeDown(what: string, cause: unknown, deps: IngestDeps): AppError {
  deps.onStoreError?.(cause, what);
  return new AppError('store_unavailable', `the ${what} is unavailable; retry later`, { retryAfter: 5, cause });
}

/**
 * The durable ingest path (docs/architecture.md, "Ingest path"): authorize, stream-decode within the limits,
 * normalize, write the batch as ONE gzip NDJSON object, then ONE transaction with the batch row,
 * minute metrics and the scoring job, and only then answer 202. A replayed Idempotency-Key answers
 * the first 202 body without writing anything.
 *
 * @example
 * const { response } = await ingestBatch(deps, { body: request.raw, identity: request.identity, ... });
 */
export async function ingestBatch(deps: IngestDeps, input: IngestInput): Promise<IngestOutcome> {
  const { limits } = deps.config;
  if (!input.identity) throw new AppError('unauthorized');
  const encoding = bodyEncodingOf(input.contentEncoding);
  const form = input.form ?? bodyFormOf(input.contentType);
  const declared = input.contentLength === undefined ? Number.NaN : Number(input.contentLength);
  if (declared > limits.maxBodyBytes) {
    throw new AppError('payload_too_large', `the request body exceeds ${limits.maxBodyBytes} bytes`, {
      details: { limit: limits.maxBodyBytes },
    });
  }
  const idempotencyKey = parseIdempotencyKey(input.idempotencyKey);
  const hint = projectHint(input.identity, input.projectIdQuery, input.projectIdHeader);
  const receivedAt = deps.now();
  const cutoff = receivedAt - IDEMPOTENCY_WINDOW_MS;
  const callerId = input.identity.kind === 'key' ? `key:${input.identity.keyId}` : `user:${input.identity.userId}`;

  // Everything that can be settled before the body is read is: a rejected or replayed request
  // then costs no decoding. Only an envelope naming the project must be read first.
  const admit = async (projectId: string): Promise<IngestResponse | undefined> => {
    await resolveIngestProject(deps.sql.db, input.identity, projectId, undefined);
    await deps.quota?.beforeIngest(projectId);
    await checkIngestRate(deps.sql.db, { projectId, callerId }, limits.ingestRatePerMin, receivedAt);
    return idempotencyKey === undefined ? undefined : findReplay(deps.sql.db, projectId, idempotencyKey, cutoff);
  };

  let projectId: string | undefined;
  if (hint !== undefined) {
    projectId = hint;
    const replay = await admit(projectId);
    if (replay) return { response: replay, replayed: true, projectId, bytes: 0 };
  }
  const prepare = deps.prepare ?? prepareBatch;
  const prepared = await prepare(input.body, { form, encoding, limits, receivedAt });
  const fromEnvelope = prepared.envelopeProjectId;
  if (fromEnvelope !== undefined && fromEnvelope !== projectId) {
    // Throws for a key's foreign project (404) or a user's mismatch (400).
    await resolveIngestProject(deps.sql.db, input.identity, hint, fromEnvelope);
  }
  if (projectId === undefined) {
    projectId = await resolveIngestProject(deps.sql.db, input.identity, undefined, fromEnvelope);
    const replay = await admit(projectId);
    if (replay) return { response: replay, replayed: true, projectId, bytes: 0 };
  }

  // No lock is taken on the key: of two concurrent twins both may write an object, but the unique
  // index on (project, key) lets one commit only, and the other answers the winner's 202 body. A
  // lock would outlive a killed process and refuse the SDK's retry of that very batch.
  const outcome = await writeBatch(deps, {
    projectId,
    prepared,
    receivedAt,
    cutoff,
    idempotencyKey,
    keyId: input.identity.kind === 'key' ? input.identity.keyId : null,
    droppedHeader: input.droppedHeader,
  });
  // Counted once stored: a failure to count must not turn an acknowledged batch into an error.
  if (!outcome.replayed && deps.quota !== undefined) {
    await deps.quota
      .afterIngest(projectId, outcome.response.accepted)
      .catch((err: unknown) => deps.onStoreError?.(err, 'daily quota count'));
  }
  return outcome;
}

interface WriteInput {
  projectId: string;
  prepared: PreparedBatch;
  receivedAt: number;
  cutoff: number;
  idempotencyKey: string | undefined;
  keyId: string | null;
  droppedHeader: string | undefined;
}

const EMPTY_SUMMARY: SummaryData = new BatchSummary();

function hasDrops(d: DropCounts): boolean {
  return d.overflow > 0 || d.oversize > 0 || d.before_send > 0;
}

let emptyObject: Promise<Uint8Array> | undefined;
/** The gzip of no records: one shared object body for batches that stored none. */
function emptyBatchObject(): Promise<Uint8Array> {
  emptyObject ??= new BatchWriter().finish().then((o) => o.body);
  return emptyObject;
}

async function writeBatch(deps: IngestDeps, w: WriteInput): Promise<IngestOutcome> {
  const { prepared } = w;
  const batchId = newBatchId(w.receivedAt);
  const response: IngestResponse = {
    batchId,
    accepted: prepared.accepted,
    rejected: prepared.rejected,
    errors: prepared.errors,
  };
  const dropped = parseDroppedHeader(w.droppedHeader);
  // An empty batch (`[]`, `{"resourceLogs":[]}`) has nothing to keep: no object, no row, so a
  // reader never meets a batch without records or a key. Its 202 is not replayable, and needs
  // not be: a retry stores nothing either.
  if (prepared.accepted === 0 && prepared.rejected === 0 && !hasDrops(dropped)) {
    return { response, replayed: false, projectId: w.projectId, bytes: prepared.bytes.inflated };
  }
  // A batch of rejections (or of drop counts) has a row for its figures and an object with no
  // records, so every row names a readable object.
  const object = prepared.object ?? (await emptyBatchObject());
  const objectKey = batchObjectKey(w.projectId, batchId, w.receivedAt);
  try {
    await deps.bucket.put(objectKey, object, { contentType: 'application/x-ndjson' });
  } catch (err) {
    throw storeDown('bucket', err, deps);
  }
  try {
    await commitBatchGrouped(deps.sql, {
      batchId,
      projectId: w.projectId,
      keyId: w.keyId,
      objectKey,
      idempotencyKey: w.idempotencyKey,
      idempotencyCutoff: w.cutoff,
      receivedAt: w.receivedAt,
      summary: prepared.summary ?? EMPTY_SUMMARY,
      rejected: prepared.rejected,
      dropped,
      response,
      scoreWindowMs: deps.config.scoreWindowMs,
    });
  } catch (err) {
    // The object is unreferenced now; removing it is tidiness, not correctness.
    deps.bucket.delete(objectKey).catch((e) => deps.onStoreError?.(e, 'orphan object cleanup'));
    if (isUniqueViolation(err) && w.idempotencyKey !== undefined) {
      // A concurrent twin with the same key committed first: answer what it answered.
      const winner = await findReplay(deps.sql.db, w.projectId, w.idempotencyKey, w.cutoff);
      if (winner) return { response: winner, replayed: true, projectId: w.projectId, bytes: 0 };
      throw new AppError('idempotency_conflict');
    }
    if (isUnstorableValue(err)) {
      throw new AppError('unstorable_value', 'the batch holds a value the database refuses; it is not stored', {
        cause: err,
      });
    }
    throw storeDown('database', err, deps);
  }
  return { response, replayed: false, projectId: w.projectId, bytes: prepared.bytes.inflated };
}
