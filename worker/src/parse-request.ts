/**
 * Validation of `POST /score` bodies. zod checks every record of a 50,000-record window at a cost close
 * to that of parsing the JSON itself, so the records take a hand-written fast path that accepts exactly
 * what `LogRecord` accepts; anything it does not accept goes through zod, which then names the field.
 * The envelope (project, window, baseline) is always checked by zod.
 */
import { LEVEL_RANK, LogRecord, ScoreRequest, type ScoreRequest as ScoreRequestType } from '@cloudsage/schema';

/** A validation problem: the path of the field and what is wrong with it. */
export interface Issue {
  path: string;
  message: string;
}

/** The outcome of {@link parseScoreRequest}. */
export type ParsedRequest = { ok: true; data: ScoreRequestType } | { ok: false; issues: Issue[] };

const MAX_ISSUES = 10;
const timeSchema = LogRecord.shape.time;
// zod keeps the regular expression of its ISO datetime format; using it keeps the fast path exact.
// If a zod release stops exposing it, every time string goes through the schema instead (slower, same).
const timePattern: unknown = (timeSchema as unknown as { _zod?: { pattern?: unknown } })._zod?.pattern;
const timeOk =
  timePattern instanceof RegExp ? (s: string) => timePattern.test(s) : (s: string) => timeSchema.safeParse(s).success;
const OPTIONAL_STRINGS = ['service', 'host', 'traceId', 'spanId'] as const;

/** Whether `LogRecord` accepts `r`, checked without allocating. */
export function isValidRecord(r: unknown): boolean {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const o = r as Record<string, unknown>;
  const time = o['time'];
  const level = o['level'];
  if (typeof time !== 'string' || typeof level !== 'string' || typeof o['msg'] !== 'string') return false;
  if (!Object.hasOwn(LEVEL_RANK, level) || !timeOk(time)) return false;
  for (const key of OPTIONAL_STRINGS) {
    const v = o[key];
    if (v !== undefined && typeof v !== 'string') return false;
  }
  const attrs = o['attributes'];
  return attrs === undefined || isPlainObject(attrs);
}

// zod's own test for a record (`util.isPlainObject`, zod 4): a JSON object always passes; a Date, Map or
// class instance does not. Only values built in code can differ, but the fast path must not accept more.
function isPlainObject(o: unknown): boolean {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const ctor: unknown = (o as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function') return true;
  const proto: unknown = ctor.prototype;
  return typeof proto === 'object' && proto !== null && !Array.isArray(proto) && Object.hasOwn(proto, 'isPrototypeOf');
}

function issuesOf(error: { issues: readonly { path: PropertyKey[]; message: string }[] }): Issue[] {
  return error.issues.slice(0, MAX_ISSUES).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** The request without its records: what the first line of the stored form holds. */
export type ScoreEnvelope = Omit<ScoreRequestType, 'logs'>;

/**
 * Validates the request's fields other than `logs` (the stored form's first line) with the schema.
 *
 * @example
 * const r = parseEnvelope({ projectId: 'p1', metadata: { window: { from, to } } });
 * if (r.ok) r.data.metadata.window;
 */
export function parseEnvelope(envelope: object): { ok: true; data: ScoreEnvelope } | { ok: false; issues: Issue[] } {
  const parsed = ScoreRequest.safeParse({ ...envelope, logs: [] });
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const { logs: _none, ...data } = parsed.data;
  return { ok: true, data };
}

/**
 * Why `LogRecord` refuses the record at `logs[index]`, with paths as the JSON form names them
 * (`logs.3.level`). Only called for a record {@link isValidRecord} refused, so zod runs on errors only.
 *
 * @example
 * recordIssues({ time: 'x', level: 'info', msg: '' }, 3)[0]!.path; // 'logs.3.time'
 */
export function recordIssues(record: unknown, index: number): Issue[] {
  const parsed = LogRecord.safeParse(record);
  if (parsed.success) return [];
  return issuesOf(parsed.error).map((i) => ({
    ...i,
    path: i.path === '' ? `logs.${index}` : `logs.${index}.${i.path}`,
  }));
}

/**
 * Validates a parsed JSON body as a {@link ScoreRequest}.
 *
 * @example
 * const r = parseScoreRequest(JSON.parse(text));
 * if (!r.ok) r.issues[0]; // { path: 'logs.3.level', message: 'Invalid option: ...' }
 */
export function parseScoreRequest(body: unknown): ParsedRequest {
  const logs = (body as { logs?: unknown } | null)?.logs;
  if (Array.isArray(logs) && logs.every(isValidRecord)) {
    const envelope = ScoreRequest.safeParse({ ...(body as object), logs: [] });
    if (!envelope.success) return { ok: false, issues: issuesOf(envelope.error) };
    return { ok: true, data: { ...envelope.data, logs: logs as ScoreRequestType['logs'] } };
  }
  const full = ScoreRequest.safeParse(body);
  return full.success ? { ok: true, data: full.data } : { ok: false, issues: issuesOf(full.error) };
}
