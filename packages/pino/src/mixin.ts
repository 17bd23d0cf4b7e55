import { isTraceContextApi, loadTraceContextApi, readTraceContext } from '@cloudsage/node';
import type * as OtelApi from '@opentelemetry/api';
import { z } from 'zod';
import { invalidOptions } from './errors.js';

/** What the mixin needs from `@opentelemetry/api`. */
export type TraceApi = Pick<typeof OtelApi, 'trace' | 'context'>;

/** Options of {@link cloudsageMixin}. */
export interface CloudSageMixinOptions {
  /** The `@opentelemetry/api` module; loaded from the app's dependencies when not given. */
  api?: TraceApi;
  /** Another mixin whose fields are merged in (pino takes only one `mixin`). */
  mixin?: (mergeObject: object, level: number) => object;
}

/** Fields the mixin adds while a span is active. */
export interface TraceFields {
  traceId?: string;
  spanId?: string;
}

const Schema = z
  .object({
    api: z.custom<TraceApi>(isTraceContextApi, { message: 'api must be the @opentelemetry/api module' }).optional(),
    mixin: z.custom<CloudSageMixinOptions['mixin']>((v) => typeof v === 'function').optional(),
  })
  .strict();

/**
 * A pino `mixin` that stamps `traceId` and `spanId` from the active OpenTelemetry span. It
 * runs in the app's thread (pino's worker thread cannot see the active context); without an active
 * span, or without `@opentelemetry/api`, it adds nothing. Never throws.
 *
 * @example
 * import pino from 'pino';
 * import { cloudsageMixin } from '@cloudsage/pino';
 * const logger = pino({ mixin: cloudsageMixin(), transport: { target: '@cloudsage/pino', options } });
 */
export function cloudsageMixin(options: CloudSageMixinOptions = {}): (mergeObject: object, level: number) => object {
  const parsed = Schema.safeParse(options ?? {});
  if (!parsed.success) throw invalidOptions('cloudsageMixin()', parsed.error);
  // Loaded from here, where @opentelemetry/api is declared (an optional peer).
  const api = parsed.data.api ?? loadTraceContextApi(import.meta.url);
  const inner = parsed.data.mixin;
  // pino's merge strategy assigns the log call's fields INTO the object a mixin returns: every call
  // needs a fresh object, never a shared (or frozen) one.
  const traceFields = (): TraceFields => readTraceContext(api) ?? {};
  if (!inner) return traceFields;
  return (mergeObject, level) => {
    let extra: object | undefined;
    try {
      extra = inner(mergeObject, level);
    } catch {
      extra = undefined;
    }
    return { ...extra, ...traceFields() };
  };
}
