import { AppError } from '../../../errors.js';

/** How trace and span ids are spelled in the decoded document. */
export type IdEncoding = 'hex' | 'base64';

// Resource attributes the normalizer maps onto a LogRecord (service, host). Only these travel
// with each record: copying the whole resource onto every record would multiply the batch size.
const RESOURCE_KEYS = new Set(['service.name', 'host.name']);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function listAt(parent: Record<string, unknown>, key: string, where: string): unknown[] {
  const v = parent[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new AppError('invalid_body', `${where}.${key} must be an array`, { details: { field: `${where}.${key}` } });
  }
  return v;
}

function objectAt(list: unknown[], i: number, where: string): Record<string, unknown> {
  const v = list[i];
  if (!isObject(v))
    throw new AppError('invalid_body', `${where}[${i}] must be an object`, { details: { field: where } });
  return v;
}

function hexId(v: unknown, encoding: IdEncoding): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  return encoding === 'hex' ? v.toLowerCase() : Buffer.from(v, 'base64').toString('hex');
}

const SEVERITY_BASE: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

// proto3 JSON lets an enum be written by name; OTLP exporters write numbers, but a generic
// protobuf-to-JSON encoder may not. "SEVERITY_NUMBER_WARN2" is 14.
function severityNumber(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^SEVERITY_NUMBER_([A-Z]+)([2-4])?$/.exec(v);
  const base = m ? SEVERITY_BASE[m[1] as string] : undefined;
  if (base === undefined) return /^\d+$/.test(v) ? Number(v) : undefined;
  return base + (m?.[2] ? Number(m[2]) - 1 : 0);
}

function keptResourceAttributes(resource: unknown): unknown[] {
  if (!isObject(resource) || !Array.isArray(resource.attributes)) return [];
  return resource.attributes.filter((kv) => isObject(kv) && RESOURCE_KEYS.has(kv.key as string));
}

/**
 * Flattens an ExportLogsServiceRequest in proto3 JSON form (`resourceLogs[].scopeLogs[].logRecords[]`)
 * into one OTLP-JSON log record per entry, each carrying its resource's `service.name` and
 * `host.name` and its scope as `otel.scope.name`/`otel.scope.version` attributes (the OTel
 * convention), with hex trace and span ids: the shape `normalizeRecord` in @cloudsage/schema reads.
 * The envelope must have the OTLP structure (400 otherwise); the records themselves are left
 * to the normalizer, which rejects what it cannot read one by one.
 *
 * @example
 * const records = flattenLogsRequest(JSON.parse(body), 'hex', 10_000);
 */
export function flattenLogsRequest(doc: unknown, ids: IdEncoding, maxRecords: number): unknown[] {
  if (!isObject(doc)) throw new AppError('invalid_body', 'an OTLP logs request must be a JSON object');
  const out: unknown[] = [];
  const resourceLogs = listAt(doc, 'resourceLogs', 'request');
  for (let r = 0; r < resourceLogs.length; r++) {
    const rl = objectAt(resourceLogs, r, 'resourceLogs');
    const resource = { attributes: keptResourceAttributes(rl.resource) };
    const scopeLogs = listAt(rl, 'scopeLogs', `resourceLogs[${r}]`);
    for (let s = 0; s < scopeLogs.length; s++) {
      const sl = objectAt(scopeLogs, s, `resourceLogs[${r}].scopeLogs`);
      const scopeAttrs: unknown[] = [];
      if (isObject(sl.scope)) {
        const { name, version } = sl.scope;
        if (typeof name === 'string' && name) scopeAttrs.push({ key: 'otel.scope.name', value: { stringValue: name } });
        if (typeof version === 'string' && version) {
          scopeAttrs.push({ key: 'otel.scope.version', value: { stringValue: version } });
        }
      }
      const logRecords = listAt(sl, 'logRecords', `resourceLogs[${r}].scopeLogs[${s}]`);
      if (out.length + logRecords.length > maxRecords) {
        throw new AppError('too_many_records', `a batch holds at most ${maxRecords} records`);
      }
      for (const lr of logRecords) {
        // Not an object: handed on as is, so the normalizer rejects it with its index.
        if (!isObject(lr)) {
          out.push(lr);
          continue;
        }
        const record: Record<string, unknown> = { ...lr, resource };
        if ('severityNumber' in lr) record.severityNumber = severityNumber(lr.severityNumber);
        const traceId = hexId(lr.traceId, ids);
        const spanId = hexId(lr.spanId, ids);
        if (traceId === undefined) delete record.traceId;
        else record.traceId = traceId;
        if (spanId === undefined) delete record.spanId;
        else record.spanId = spanId;
        if (scopeAttrs.length > 0) {
          record.attributes = [...(Array.isArray(lr.attributes) ? lr.attributes : []), ...scopeAttrs];
        }
        out.push(record);
      }
    }
  }
  return out;
}
