/**
 * Reading one field of a record the way the normalizer maps it: level, message, ids, short names.
 */
import { isStandardPinoNumber, type Level, levelFromName, levelFromSeverityNumber } from '../level.js';
import { levelFromUnknown } from './level.js';
import { fromAnyValue } from './otel.js';
import { type FoldedKeys, LEVEL_KEYS, pick } from './record-keys.js';
import { type Budget, fitString, readKey, safeString, toJsonValue, UNREADABLE } from './sanitize.js';

/** Attribute that keeps a level the normalizer did not recognise (the record is stored as info). */
export const ORIGINAL_LEVEL_ATTRIBUTE = 'cloudsage.level';
/** Attribute that keeps a time the normalizer could not read (the receive time is used). */
export const ORIGINAL_TIME_ATTRIBUTE = 'cloudsage.time';

const ZERO_ID = /^0+$/;
// Colorized winston levels arrive wrapped in ANSI escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC of ANSI color codes is the point.
const ANSI = /\x1b\[[0-9;]*m/g;

export function idString(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length === 0 || v.length > 64 || ZERO_ID.test(v)) return undefined;
  return v;
}

export function shortString(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v.slice(0, 256) : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

// Undefined when the record has no level at all: the caller then reads it from the message.
export function readLevel(
  obj: Record<string, unknown>,
  folding: FoldedKeys | undefined,
  otel: boolean,
  attrs: Record<string, unknown>,
): Level | undefined {
  if (otel && typeof obj.severityNumber === 'number') {
    const byNumber = levelFromSeverityNumber(obj.severityNumber);
    if (byNumber) return byNumber;
  }
  const raw = pick(obj, LEVEL_KEYS, folding);
  if (raw === undefined) return undefined;
  const cleaned = typeof raw === 'string' ? raw.replace(ANSI, '') : raw;
  const named = typeof cleaned === 'string' ? levelFromName(cleaned) : undefined;
  if (named) return named;
  const level = levelFromUnknown(cleaned);
  // A custom numeric level (pino `customLevels`) is kept too: the six levels cannot say it.
  if (level === undefined || !isStandardPinoNumber(Number(cleaned))) {
    attrs[ORIGINAL_LEVEL_ATTRIBUTE] = safeString(raw, 64);
  }
  return level ?? 'info';
}

// `found`: the value under the message's keys (read once by the caller).
export function readMessage(obj: Record<string, unknown>, found: unknown, budget: Budget): string {
  try {
    let raw = fromAnyValue(found);
    if (raw === undefined) {
      // pino writes an error without msg as { err: { message } }.
      const err = readKey(obj, 'err') ?? readKey(obj, 'error');
      if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
        raw = (err as { message: string }).message;
      }
    }
    if (typeof raw === 'string') return fitString(raw, budget);
    if (raw === undefined || raw === null) return '';
    // toJsonValue has charged the budget already; the exact size check in normalizeRecord stays.
    if (typeof raw === 'object') return JSON.stringify(toJsonValue(raw, budget)) ?? '';
    return fitString(String(raw), budget);
  } catch {
    return UNREADABLE;
  }
}

/** The service a Kubernetes pod's name stands for: its workload (see `workloadOf`). */
export function podWorkload(v: unknown): string | undefined {
  const pod = shortString(v);
  return pod === undefined ? undefined : workloadOf(pod);
}

// A Deployment's pod is `<deployment>-<pod-template-hash>-<5 characters>`: the hash changes with each
// rollout and the suffix with each restart, so the pod's name would make each a new service.
const DEPLOYMENT_POD = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/;

/**
 * The workload a pod belongs to: a Deployment's name without its rollout hash and pod suffix; any
 * other name as it is.
 *
 * @example
 * workloadOf('ts-order-service-5b67c48447-fj8b7'); // 'ts-order-service'
 */
export function workloadOf(pod: string): string {
  const m = DEPLOYMENT_POD.exec(pod);
  return m === null ? pod : (m[1] as string);
}
