/**
 * OpenTelemetry log records reach the normalizer in two spellings: the SDK's ReadableLogRecord
 * (`hrTime`, `body`, `attributes` object, `spanContext`, `resource.attributes`) and the OTLP JSON
 * encoding (`timeUnixNano`, `body: { stringValue }`, `attributes: [{ key, value }]`, hex ids).
 * These helpers read both.
 */

import { isSafeKey } from './sanitize.js';

/** True when the object looks like an OpenTelemetry log record rather than a pino or winston one. */
export function isOtelRecord(obj: Record<string, unknown>): boolean {
  return (
    'severityNumber' in obj ||
    'severityText' in obj ||
    'timeUnixNano' in obj ||
    'observedTimeUnixNano' in obj ||
    'hrTime' in obj ||
    ('body' in obj && !('msg' in obj) && !('message' in obj))
  );
}

const ANY_VALUE_KEYS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
];

/** Unwraps an OTLP AnyValue (`{ stringValue: "x" }`, `{ kvlistValue: { values } }`, ...); other values pass through. */
export function fromAnyValue(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || depth > 10) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== 1 || !ANY_VALUE_KEYS.includes(keys[0] as string)) return v;
  if ('stringValue' in o) return o.stringValue;
  if ('boolValue' in o) return o.boolValue;
  if ('intValue' in o) return typeof o.intValue === 'string' ? Number(o.intValue) : o.intValue;
  if ('doubleValue' in o) return o.doubleValue;
  if ('bytesValue' in o) return o.bytesValue;
  if ('arrayValue' in o) {
    const values = (o.arrayValue as { values?: unknown })?.values;
    return Array.isArray(values) ? values.map((x) => fromAnyValue(x, depth + 1)) : [];
  }
  const values = (o.kvlistValue as { values?: unknown })?.values;
  return fromKeyValues(values, depth + 1);
}

/** Turns OTLP `[{ key, value }]` into an object; an object passes through. */
export function fromKeyValues(list: unknown, depth = 0): Record<string, unknown> | undefined {
  if (list === null || typeof list !== 'object') return undefined;
  if (!Array.isArray(list)) return list as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const kv of list) {
    if (kv && typeof kv === 'object' && typeof (kv as { key?: unknown }).key === 'string') {
      const key = (kv as { key: string }).key;
      if (!isSafeKey(key)) continue;
      out[key] = fromAnyValue((kv as { value?: unknown }).value, depth);
    }
  }
  return out;
}
