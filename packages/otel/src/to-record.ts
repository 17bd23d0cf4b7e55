import { type Level, type LogInput, levelFromName, levelFromSeverityNumber, traceIdsOf } from '@cloudsage/node';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/**
 * The CloudSage level of an OpenTelemetry severity: by `severityNumber` (1-4 trace, 5-8 debug, 9-12
 * info, 13-16 warn, 17-20 error, 21-24 fatal; logs data model), else by `severityText` (any name the
 * level vocabulary knows, in any case, with or without its number: `WARN2`), else info.
 *
 * @example
 * levelOf(17, undefined); // 'error'
 */
export function levelOf(severityNumber: number | undefined, severityText: string | undefined): Level {
  const byNumber = typeof severityNumber === 'number' ? levelFromSeverityNumber(severityNumber) : undefined;
  if (byNumber) return byNumber;
  return (typeof severityText === 'string' && levelFromName(severityText)) || 'info';
}

// The SDK's default resource names an unknown service like this: not a name worth storing.
const UNKNOWN_SERVICE = 'unknown_service';

/** Options of {@link toRecord}. */
export interface ToRecordOptions {
  /** Copy every other resource attribute to a `resource` field (default only service and host). */
  includeResource?: boolean;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

function isoFromHrTime([seconds, nanos]: readonly [number, number]): string {
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}

/**
 * Maps an SDK log record onto a CloudSage record: time from `hrTime`, level from the severity, `msg`
 * from a string body (another body is kept as `otel.body`, the message being its event name or JSON), `service` and `host` from the resource's
 * `service.name` and `host.name`, trace context from `spanContext`, the record's attributes under
 * `attributes`, and the scope name as `otel.scope`.
 *
 * @example
 * exporterRecord = toRecord(readableLogRecord); // { time, level: 'error', msg: 'payment failed', service: 'checkout', ... }
 */
export function toRecord(log: ReadableLogRecord, options: ToRecordOptions = {}): LogInput {
  const record: LogInput = {
    time: isoFromHrTime(log.hrTime),
    level: levelOf(log.severityNumber, log.severityText),
  };
  const body = log.body;
  if (typeof body === 'string') record.msg = body;
  else if (body !== undefined && body !== null) {
    // A structured body stays structured as `otel.body` (a `body` field would be read as the message).
    record.msg = log.eventName ?? safeJson(body);
    record['otel.body'] = body;
  } else record.msg = log.eventName ?? '';
  if (log.severityText) record['otel.severityText'] = log.severityText;
  if (log.eventName) record.eventName = log.eventName;

  const resource = log.resource?.attributes ?? {};
  const service = resource['service.name'];
  if (typeof service === 'string' && service !== '' && !service.startsWith(UNKNOWN_SERVICE)) record.service = service;
  const host = resource['host.name'];
  if (typeof host === 'string' && host !== '') record.host = host;
  if (options.includeResource) {
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(resource)) if (k !== 'service.name' && k !== 'host.name') rest[k] = v;
    record.resource = rest;
  }

  const ids = traceIdsOf(log.spanContext);
  if (ids) {
    record.traceId = ids.traceId;
    record.spanId = ids.spanId;
  }
  const scope = log.instrumentationScope?.name;
  if (scope) record['otel.scope'] = scope;
  let hasAttributes = false;
  for (const _ in log.attributes) {
    hasAttributes = true;
    break;
  }
  if (hasAttributes) record.attributes = log.attributes;
  return record;
}
