import { type CloudSageOptions, withBurstBufferDefaults } from '@cloudsage/node';
import type { Format } from 'logform';
import { z } from 'zod';
import { invalidOptions } from './errors.js';

/**
 * Options of {@link CloudSageTransport}: winston's transport options (`level`, `format`, `silent`,
 * `handleExceptions`, `handleRejections`), every `CloudSageOptions` field (validated by
 * `@cloudsage/node`), and the two flush deadlines.
 *
 * @example
 * const options: CloudSageWinstonOptions = { endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY!, level: 'info' };
 */
export interface CloudSageWinstonOptions extends CloudSageOptions {
  /** Lowest level this transport ships (default: the logger's). */
  level?: string;
  /** A winston format applied for this transport only. */
  format?: Format;
  /** Ship nothing (default `false`). */
  silent?: boolean;
  /** Ship uncaught exceptions that winston's exception handler logs (default `false`). */
  handleExceptions?: boolean;
  /** Ship unhandled rejections that winston's rejection handler logs (default `false`). */
  handleRejections?: boolean;
  /** Deadline of the final flush when the transport ends (`logger.end()`) or closes (default 10 s). */
  shutdownTimeoutMs?: number;
  /**
   * Deadline of the flush after an uncaught exception or rejection (default 2.5 s): winston exits the
   * process 3 s after logging one, so the flush must end first.
   */
  exceptionFlushTimeoutMs?: number;
}

const Schema = z.looseObject({
  level: z.string().min(1).optional(),
  format: z
    .custom<Format>((v) => typeof (v as Format | null)?.transform === 'function', {
      message: 'format must be a winston format (an object with transform())',
    })
    .optional(),
  silent: z.boolean().optional(),
  handleExceptions: z.boolean().optional(),
  handleRejections: z.boolean().optional(),
  shutdownTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  exceptionFlushTimeoutMs: z.number().int().min(0).max(600_000).default(2500),
});

/** The options split into winston's, this transport's, and the client's. */
export interface ResolvedWinstonOptions {
  stream: Pick<CloudSageWinstonOptions, 'level' | 'format' | 'silent' | 'handleExceptions' | 'handleRejections'>;
  shutdownTimeoutMs: number;
  exceptionFlushTimeoutMs: number;
  client: CloudSageOptions;
}

/**
 * Validates the transport's own options and splits them from the client's (which the client validates).
 *
 * @example
 * resolveWinstonOptions({ endpoint: 'http://127.0.0.1:3001', apiKey: 'csk_x', level: 'warn' }).stream.level; // 'warn'
 */
export function resolveWinstonOptions(options: CloudSageWinstonOptions | undefined): ResolvedWinstonOptions {
  const parsed = Schema.safeParse(options ?? {});
  if (!parsed.success) throw invalidOptions('CloudSageTransport', parsed.error);
  const {
    level,
    format,
    silent,
    handleExceptions,
    handleRejections,
    shutdownTimeoutMs,
    exceptionFlushTimeoutMs,
    ...client
  } = parsed.data as CloudSageWinstonOptions & { shutdownTimeoutMs: number; exceptionFlushTimeoutMs: number };
  withBurstBufferDefaults(client);
  return {
    stream: { level, format, silent, handleExceptions, handleRejections },
    shutdownTimeoutMs,
    exceptionFlushTimeoutMs,
    client,
  };
}
