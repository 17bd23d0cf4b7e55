import { isTraceContextApi, loadTraceContextApi, readTraceContext } from '@cloudsage/node';
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
    api: z.custom<TraceApi>(isTraceContextApi, { message: 'api must be the @opentelemetry/api module' }).optional(),
  })
  .strict();

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
  // Loaded from here, where @opentelemetry/api is declared (an optional peer).
  const api = parsed.data.api ?? loadTraceContextApi(import.meta.url);
  return format((info) => {
    const ids = readTraceContext(api);
    if (ids) {
      info.traceId = ids.traceId;
      info.spanId = ids.spanId;
    }
    return info;
  })();
}
