import { createRequire } from 'node:module';
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
    api: z
      .custom<TraceApi>(
        (v) =>
          typeof (v as TraceApi | null)?.trace?.getSpanContext === 'function' &&
          typeof (v as TraceApi | null)?.context?.active === 'function',
        { message: 'api must be the @opentelemetry/api module' },
      )
      .optional(),
    mixin: z.custom<CloudSageMixinOptions['mixin']>((v) => typeof v === 'function').optional(),
  })
  .strict();

const INVALID_TRACE = /^0+$/;

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
  const api = parsed.data.api ?? loadApi();
  const inner = parsed.data.mixin;
  // pino's merge strategy assigns the log call's fields INTO the object a mixin returns: every call
  // needs a fresh object, never a shared (or frozen) one.
  const traceFields = (): TraceFields => {
    if (!api) return {};
    try {
      const sc = api.trace.getSpanContext(api.context.active());
      if (!sc || INVALID_TRACE.test(sc.traceId) || INVALID_TRACE.test(sc.spanId)) return {};
      return { traceId: sc.traceId, spanId: sc.spanId };
    } catch {
      return {};
    }
  };
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
