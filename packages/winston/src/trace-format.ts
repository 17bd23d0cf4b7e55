import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';
import { type Format, format } from 'logform';
import { z } from 'zod';
import { invalidOptions } from './errors.js';

/** What the trace format needs from `@opentelemetry/api`. */
export type TraceApi = Pick<typeof OtelApi, 'trace' | 'context'>;

/** Options of {@link cloudsageTraceFormat}. */
export interface TraceFormatOptions {
  /** The `@opentelemetry/api` module; loaded from the app's dependencies when not given. */
  api?: TraceApi;
}

const Schema = z
  .object({
    api: z
      .custom<TraceApi>(
        (v) =>
          typeof (v as TraceApi | null)?.trace?.getSpanContext === 'function' &&
          typeof (v as TraceApi | null)?.context?.active === 'function',
        { message: 'api must be the @opentelemetry/api module' },
      )
      .optional(),
  })
  .strict();

const INVALID_ID = /^0+$/;

/**
 * Loads `@opentelemetry/api` (an optional peer) if the app has it. The API keeps its state on a global,
 * so the CommonJS copy found here sees the same active context as the app's own import.
 */
function loadApi(): TraceApi | undefined {
  try {
    return createRequire(import.meta.url)('@opentelemetry/api') as TraceApi;
  } catch {
    return undefined;
  }
}

/**
 * A winston format that adds `traceId` and `spanId` of the active OpenTelemetry span to each record.
 * Put it in the logger's `format` so it runs while the log call's context is active. Without an active
 * span, or without `@opentelemetry/api`, it adds nothing. Never throws.
 *
 * @example
 * import winston from 'winston';
 * import { CloudSageTransport, cloudsageTraceFormat } from '@cloudsage/winston';
 * const logger = winston.createLogger({
 *   format: winston.format.combine(cloudsageTraceFormat(), winston.format.json()),
 *   transports: [new CloudSageTransport({ endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY! })],
 * });
 */
export function cloudsageTraceFormat(options: TraceFormatOptions = {}): Format {
  const parsed = Schema.safeParse(options ?? {});
  if (!parsed.success) throw invalidOptions('cloudsageTraceFormat()', parsed.error);
  const api = parsed.data.api ?? loadApi();
  return format((info) => {
    if (!api) return info;
    try {
      const sc = api.trace.getSpanContext(api.context.active());
      if (sc && !INVALID_ID.test(sc.traceId) && !INVALID_ID.test(sc.spanId)) {
        info.traceId = sc.traceId;
        info.spanId = sc.spanId;
      }
    } catch {
      // A broken API must not cost the record.
    }
    return info;
  })();
}
