/**
 * The worker's configuration, parsed once from the environment at start (docs/architecture.md, "Service config").
 * Bad values stop start-up with a message naming the variable.
 */
import { z } from 'zod';

const bool = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');
const port = z.coerce.number().int().min(0).max(65535);

const EnvSchema = z.object({
  WORKER_PORT: port.optional(),
  PORT: port.optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The first design's name for the key; accepted as an alias. */
  API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  WORKER_ALLOW_NO_AUTH: bool,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Largest request body; a 50,000-record window of typical lines is about 15 MiB. */
  WORKER_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /** Most records in one request. */
  WORKER_MAX_RECORDS: z.coerce.number().int().positive().default(200_000),
  /** How long shutdown waits for in-flight requests before it gives up. */
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

/** The worker's typed configuration; passed to {@link build}, never read from process.env deeper in. */
export interface WorkerConfig {
  port: number;
  host: string;
  /** The Bearer key `/score` requires; undefined only with `WORKER_ALLOW_NO_AUTH=1`. */
  apiKey: string | undefined;
  logLevel: string;
  maxBodyBytes: number;
  maxRecords: number;
  shutdownTimeoutMs: number;
}

/** A configuration problem; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment.
 *
 * @example
 * const config = loadConfig({ WORKER_API_KEY: 'a-long-random-secret', WORKER_PORT: '8080' });
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid worker configuration: ${issues}`);
  }
  const e = parsed.data;
  const apiKey = e.WORKER_API_KEY ?? e.API_KEY;
  // An open scoring endpoint leaks nothing stored, but burns CPU for anyone: refuse unless asked.
  if (apiKey === undefined && !e.WORKER_ALLOW_NO_AUTH) {
    throw new ConfigError('WORKER_API_KEY is not set (or set WORKER_ALLOW_NO_AUTH=1 to run without auth)');
  }
  return {
    port: e.WORKER_PORT ?? e.PORT ?? 8080,
    host: e.HOST,
    apiKey,
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.WORKER_MAX_BODY_BYTES,
    maxRecords: e.WORKER_MAX_RECORDS,
    shutdownTimeoutMs: e.WORKER_SHUTDOWN_TIMEOUT_MS,
  };
}
