import type { Generated } from 'kysely';

/*
 * Table types of the SQL store, shared by the SQLite and PostgreSQL drivers. Times are epoch
 * milliseconds (INTEGER / BIGINT, read back as numbers) and JSON is stored as text, so one set of
 * queries serves both dialects.
 */

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  created_at: number;
}

/** Revoked JWT ids (logout), kept until the token would have expired anyway. */
export interface RevokedTokensTable {
  jti: string;
  expires_at: number;
}

/** Fixed-window counters shared by replicas (login failures, ingest rate limits). */
export interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

export interface ProjectsTable {
  id: string;
  user_id: string;
  name: string;
  alert_url: string | null;
  alert_threshold: number | null;
  created_at: number;
  updated_at: number;
}

export interface ApiKeysTable {
  id: string;
  project_id: string;
  name: string;
  /** First characters of the key, shown in lists. */
  prefix: string;
  /** SHA-256 of the whole key (keys are 256-bit random, so a fast hash is enough). */
  key_hash: string;
  /** Comma-separated scopes: `ingest`, `read`. */
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface IngestBatchesTable {
  id: string;
  project_id: string;
  key_id: string | null;
  object_key: string;
  idempotency_key: string | null;
  received_at: number;
  min_time: number;
  max_time: number;
  records: number;
  rejected: number;
  bytes: number;
  count_trace: number;
  count_debug: number;
  count_info: number;
  count_warn: number;
  count_error: number;
  count_fatal: number;
  dropped_overflow: number;
  dropped_oversize: number;
  dropped_before_send: number;
  /** The 202 body, replayed for a retried Idempotency-Key. */
  response: string;
  /** Bloom filter of the lines' trigrams, base64 (services/logs/text-filter.ts); null on older rows. */
  text_filter: string | null;
}

/** Per-project, per-minute (by record time) counts and figures; batches add into a row. */
export interface MinuteMetricsTable {
  project_id: string;
  minute: number;
  records: number;
  count_trace: number;
  count_debug: number;
  count_info: number;
  count_warn: number;
  count_error: number;
  count_fatal: number;
  latency_count: number;
  latency_sum: number;
  latency_max: number;
  memory_max_mb: number;
  bytes: number;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'failed' | 'parked';

/**
 * The scoring outbox. One pending job per project (a partial unique index): later batches join it
 * by widening `window_end`. Windows are aligned by ingest time. A `parked` row is one window that
 * could not be read after its tries, kept with its last error and never claimed again.
 */
export interface ScoringJobsTable {
  id: string;
  project_id: string;
  window_start: number;
  window_end: number;
  status: JobStatus;
  attempts: number;
  /** Failed tries of the first window caused by its own data; at `MAX_WINDOW_TRIES` it is parked. */
  window_failures: Generated<number>;
  due_at: number;
  claimed_by: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface RiskHistoryTable {
  id: string;
  project_id: string;
  /** UNIQUE with project_id: a window can never be scored into history twice. */
  window_start: number;
  timestamp: number;
  score: number;
  labels: string;
  signals: string;
  explanations: string;
  created_at: number;
}

export interface ForecastsTable {
  id: string;
  project_id: string;
  /** UTC yyyy-mm-dd. */
  date: string;
  payload: string;
  generated_by: string;
  created_at: number;
}

export interface ForecastFeedbackTable {
  id: string;
  forecast_id: string;
  project_id: string;
  user_id: string | null;
  key_id: string | null;
  accurate: number;
  comment: string | null;
  created_at: number;
}

/** Per-project JSON values (baselines, template tables): the Memory role (docs/architecture.md, "Memory"). */
export interface MemoryTable {
  project_id: string;
  key: string;
  value: string;
  updated_at: number;
}

/** Short leases shared by replicas (the forecast generation lock, the alert throttle). */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

/** The whole SQL schema as Kysely sees it. */
export interface Database {
  users: UsersTable;
  revoked_tokens: RevokedTokensTable;
  rate_limits: RateLimitsTable;
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  ingest_batches: IngestBatchesTable;
  minute_metrics: MinuteMetricsTable;
  scoring_jobs: ScoringJobsTable;
  risk_history: RiskHistoryTable;
  forecasts: ForecastsTable;
  forecast_feedback: ForecastFeedbackTable;
  memory: MemoryTable;
  leases: LeasesTable;
}

// Generated is re-exported for tables that later gain serial columns.
export type { Generated };
