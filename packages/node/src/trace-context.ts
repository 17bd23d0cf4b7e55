import { createRequire } from 'node:module';

// The one reader of OpenTelemetry trace context for the integrations (pino's mixin, winston's format).
// @cloudsage/node does not depend on @opentelemetry/api: the shape it needs is written out here, and the
// module is loaded from the integration that declares it as an optional peer.

/** A span context's ids, as stamped on a record. */
export interface TraceIds {
  traceId: string;
  spanId: string;
}

/**
 * What is read of `@opentelemetry/api`: the module itself fits. Written out here so that this package
 * needs no dependency on it.
 */
export interface TraceContextApi {
  trace: { getSpanContext(context: never): { traceId: string; spanId: string } | undefined };
  context: { active(): unknown };
}

/**
 * True when `value` has what {@link readTraceContext} calls (`trace.getSpanContext`, `context.active`).
 *
 * @example
 * isTraceContextApi(await import('@opentelemetry/api')); // true
 */
export function isTraceContextApi(value: unknown): value is TraceContextApi {
  const api = value as { trace?: { getSpanContext?: unknown }; context?: { active?: unknown } } | null | undefined;
  return typeof api?.trace?.getSpanContext === 'function' && typeof api?.context?.active === 'function';
}

/**
 * Loads `@opentelemetry/api` as the module at `from` would (pass `import.meta.url` of the package that
 * declares it as an optional peer); undefined when the app does not have it. The API keeps its state on
 * a global, so the CommonJS copy found here sees the same active context as the app's own import.
 *
 * @example
 * const api = loadTraceContextApi(import.meta.url);
 */
export function loadTraceContextApi(from: string | URL): TraceContextApi | undefined {
  try {
    const api: unknown = createRequire(from)('@opentelemetry/api');
    return isTraceContextApi(api) ? api : undefined;
  } catch {
    return undefined;
  }
}

// All-zero ids are the invalid span context (W3C Trace Context), what the API answers outside a span.
const INVALID_ID = /^0+$/;

/**
 * The ids of a span context, or undefined for none or the invalid (all-zero) one.
 *
 * @example
 * traceIdsOf({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }); // the same ids
 */
export function traceIdsOf(spanContext: { traceId: string; spanId: string } | undefined): TraceIds | undefined {
  if (!spanContext || INVALID_ID.test(spanContext.traceId) || INVALID_ID.test(spanContext.spanId)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

/**
 * The ids of the active span, a fresh object each call; undefined without an API, outside a span, or
 * when the API throws (a broken API must not cost the record). Never throws.
 *
 * @example
 * const ids = readTraceContext(loadTraceContextApi(import.meta.url)); // { traceId, spanId } in a span
 */
export function readTraceContext(api: TraceContextApi | undefined): TraceIds | undefined {
  if (!api) return undefined;
  try {
    return traceIdsOf(api.trace.getSpanContext(api.context.active() as never));
  } catch {
    return undefined;
  }
}
