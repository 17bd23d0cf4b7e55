import { availableParallelism } from 'node:os';
import { z } from 'zod';

const bool = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');
const int = (def: number) => z.coerce.number().int().positive().default(def);

/** Every environment variable the backend reads, validated once at start (docs/architecture.md, "Configuration"). */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  HOST: z.string().min(1).default('127.0.0.1'),
  CLOUDSAGE_DATA_DIR: z.string().min(1).default('.cloudsage'),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// URL or empty'),
  BUCKET_URL: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^s3:\/\/[^/?]+/.test(v), 'must be s3://bucket?endpoint=...&region=... or empty'),
  /** Credentials for an S3 `BUCKET_URL` (the SDK's usual names). */
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  WORKER_URL: z.url().default('http://127.0.0.1:8080'),
  WORKER_API_KEY: z.string().optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CLOUDSAGE_LLM_URL: z.url().optional(),
  CLOUDSAGE_LLM_MODEL: z.string().optional(),
  CLOUDSAGE_LLM_API_KEY: z.string().optional(),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    ),
  CLOUDSAGE_ALLOW_PRIVATE_WEBHOOKS: bool,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  CLOUDSAGE_MAX_BODY_BYTES: int(5 * 1024 * 1024),
  CLOUDSAGE_MAX_INFLATED_BYTES: int(64 * 1024 * 1024),
  CLOUDSAGE_MAX_BATCH_RECORDS: int(10_000),
  CLOUDSAGE_MAX_RECORD_BYTES: int(256 * 1024),
  /** Repeated elements (JSON array items, protobuf repeated entries) a request may hold, counted while decoding. */
  CLOUDSAGE_MAX_ELEMENTS: int(100_000),
  /** Nesting depth (JSON arrays/objects, protobuf messages) a request may reach, checked while decoding. */
  CLOUDSAGE_MAX_DEPTH: int(32),
  /** Ingest requests a minute per project; 0 turns the limit off. */
  CLOUDSAGE_INGEST_RATE_PER_MIN: z.coerce.number().int().min(0).default(6000),
  /** Account sign-ups an hour per client address; 0 turns the limit off. */
  CLOUDSAGE_REGISTER_RATE_PER_HOUR: z.coerce.number().int().min(0).default(20),
  CLOUDSAGE_SCORE_WINDOW_MS: int(60_000),
  /** Usual send intervals a project may miss before a "No Data" point; 0 turns the signal off. */
  CLOUDSAGE_NO_DATA_WINDOWS: z.coerce.number().int().min(0).default(5),
  /** Worker threads that decode and normalize ingest bodies; 0 runs them on the main thread. */
  CLOUDSAGE_INGEST_WORKERS: z.coerce.number().int().min(0).max(64).default(Math.min(4, availableParallelism())),
  CLOUDSAGE_SECURE_COOKIES: bool,
  /** Fastify's `trustProxy`: true, a hop count, or comma-separated proxy addresses/CIDRs. */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v): boolean | number | string => {
      const s = (v ?? '').trim();
      if (s === '' || s === 'false') return false;
      if (s === 'true') return true;
      return /^\d+$/.test(s) ? Number(s) : s;
    }),
  /** Open event streams per API key, per user, per client address and per server (replica); 0 = no cap. */
  CLOUDSAGE_EVENTS_MAX_PER_KEY: z.coerce.number().int().min(0).default(100),
  CLOUDSAGE_EVENTS_MAX_PER_USER: z.coerce.number().int().min(0).default(200),
  CLOUDSAGE_EVENTS_MAX_PER_ADDRESS: z.coerce.number().int().min(0).default(500),
  CLOUDSAGE_EVENTS_MAX_PER_SERVER: z.coerce.number().int().min(0).default(5000),
  /** An event stream is closed after this long; EventSource reconnects with Last-Event-ID. */
  CLOUDSAGE_EVENTS_MAX_AGE_MS: int(60 * 60 * 1000),
  /** Wall time one logs page may scan for; past it the page ends early with a cursor. */
  CLOUDSAGE_SEARCH_BUDGET_MS: int(2_000),
  /** Uncompressed batch bytes one logs page may scan; past it the page ends early with a cursor. */
  CLOUDSAGE_SEARCH_BUDGET_BYTES: int(64 * 1024 * 1024),
  /** Logs reads a minute per caller (API key or user); 0 turns the limit off. */
  CLOUDSAGE_SEARCH_RATE_PER_MIN: z.coerce.number().int().min(0).default(120),
  /**
   * Days of logs, minute metrics, risk history and forecasts kept; 0 keeps them all (stale rate-limit
   * counters still go).
   */
  CLOUDSAGE_RETENTION_DAYS: z.coerce.number().int().min(0).default(30),
  /** How often the retention job runs, and how many batches one run removes at most. */
  CLOUDSAGE_RETENTION_INTERVAL_MS: int(10 * 60 * 1000),
  CLOUDSAGE_RETENTION_BATCHES_PER_RUN: int(1_000),
  /** Records a project may ingest a UTC day; 0 (the default) is no quota. */
  CLOUDSAGE_DAILY_RECORDS_PER_PROJECT: z.coerce.number().int().min(0).default(0),
});

/** The backend's typed configuration; passed down, never read from process.env deeper in. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  bucketUrl: string | undefined;
  /** S3 credentials for `bucketUrl`; unset means the SDK's default credential chain. */
  bucketCredentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  workerUrl: string;
  workerApiKey: string | undefined;
  /** Undefined means: generate one and keep it in the data directory (SQLite only). */
  jwtSecret: string | undefined;
  llm: { url: string; model: string | undefined; apiKey: string | undefined } | undefined;
  corsOrigins: string[];
  allowPrivateWebhooks: boolean;
  logLevel: string;
  limits: {
    maxBodyBytes: number;
    maxInflatedBytes: number;
    maxBatchRecords: number;
    maxRecordBytes: number;
    /** Repeated elements of any kind a request may hold (counted while decoding, before allocating). */
    maxElements: number;
    /** Nesting depth a request may reach (checked while decoding). */
    maxDepth: number;
    ingestRatePerMin: number;
    /** Sign-ups an hour per client address (0 = no limit). */
    registerRatePerHour: number;
  };
  scoreWindowMs: number;
  /** Usual send intervals missed before a "No Data" point (0 = off). */
  noDataWindows: number;
  /** Ingest worker threads (0 = decode and normalize on the main thread). */
  ingestWorkers: number;
  secureCookies: boolean;
  /**
   * Which proxies' `X-Forwarded-For` to believe (fastify `trustProxy`): false (default: the socket
   * address is the client), true, a hop count, or proxy addresses. Login and sign-up limits key on it.
   */
  trustProxy: boolean | number | string;
  /** Caps and lifetime of event streams (0 = no cap); see services/events/stream-budget.ts. */
  events: { maxPerKey: number; maxPerUser: number; maxPerAddress: number; maxPerServer: number; maxAgeMs: number };
  /** What one logs page may scan, and logs reads a minute per caller (0 = no limit). */
  search: { budgetMs: number; budgetBytes: number; ratePerMin: number };
  /** Retention of batches, minute metrics and risk history (days 0 = keep everything). */
  retention: { days: number; intervalMs: number; batchesPerRun: number };
  /** Records a project may ingest a UTC day (0 = no quota). */
  dailyRecordsPerProject: number;
}

/** Thrown for a bad environment; its message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment into a Config, or throws a ConfigError naming each bad variable.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.DATABASE_URL && !e.JWT_SECRET) {
    // With a shared database several replicas must agree on the secret, so it cannot be generated.
    throw new ConfigError('invalid configuration:\n  JWT_SECRET: required when DATABASE_URL is set');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.CLOUDSAGE_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    bucketUrl: e.BUCKET_URL,
    bucketCredentials:
      e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY }
        : undefined,
    workerUrl: e.WORKER_URL,
    workerApiKey: e.WORKER_API_KEY,
    jwtSecret: e.JWT_SECRET,
    llm: e.CLOUDSAGE_LLM_URL
      ? { url: e.CLOUDSAGE_LLM_URL, model: e.CLOUDSAGE_LLM_MODEL, apiKey: e.CLOUDSAGE_LLM_API_KEY }
      : undefined,
    corsOrigins: e.CORS_ORIGINS,
    allowPrivateWebhooks: e.CLOUDSAGE_ALLOW_PRIVATE_WEBHOOKS,
    logLevel: e.LOG_LEVEL,
    limits: {
      maxBodyBytes: e.CLOUDSAGE_MAX_BODY_BYTES,
      maxInflatedBytes: e.CLOUDSAGE_MAX_INFLATED_BYTES,
      maxBatchRecords: e.CLOUDSAGE_MAX_BATCH_RECORDS,
      maxRecordBytes: e.CLOUDSAGE_MAX_RECORD_BYTES,
      maxElements: e.CLOUDSAGE_MAX_ELEMENTS,
      maxDepth: e.CLOUDSAGE_MAX_DEPTH,
      ingestRatePerMin: e.CLOUDSAGE_INGEST_RATE_PER_MIN,
      registerRatePerHour: e.CLOUDSAGE_REGISTER_RATE_PER_HOUR,
    },
    scoreWindowMs: e.CLOUDSAGE_SCORE_WINDOW_MS,
    noDataWindows: e.CLOUDSAGE_NO_DATA_WINDOWS,
    ingestWorkers: e.CLOUDSAGE_INGEST_WORKERS,
    secureCookies: e.CLOUDSAGE_SECURE_COOKIES,
    trustProxy: e.TRUST_PROXY,
    events: {
      maxPerKey: e.CLOUDSAGE_EVENTS_MAX_PER_KEY,
      maxPerUser: e.CLOUDSAGE_EVENTS_MAX_PER_USER,
      maxPerAddress: e.CLOUDSAGE_EVENTS_MAX_PER_ADDRESS,
      maxPerServer: e.CLOUDSAGE_EVENTS_MAX_PER_SERVER,
      maxAgeMs: e.CLOUDSAGE_EVENTS_MAX_AGE_MS,
    },
    search: {
      budgetMs: e.CLOUDSAGE_SEARCH_BUDGET_MS,
      budgetBytes: e.CLOUDSAGE_SEARCH_BUDGET_BYTES,
      ratePerMin: e.CLOUDSAGE_SEARCH_RATE_PER_MIN,
    },
    retention: {
      days: e.CLOUDSAGE_RETENTION_DAYS,
      intervalMs: e.CLOUDSAGE_RETENTION_INTERVAL_MS,
      batchesPerRun: e.CLOUDSAGE_RETENTION_BATCHES_PER_RUN,
    },
    dailyRecordsPerProject: e.CLOUDSAGE_DAILY_RECORDS_PER_PROJECT,
  };
}
