import { readKey, UNREADABLE } from './sanitize.js';

// The names a record's own fields go by, in the order they are looked for.
export const TIME_KEYS = ['time', 'timestamp', '@timestamp', 'ts', 'hrTime', 'timeUnixNano', 'datetime', 'date'];
export const OBSERVED_TIME_KEYS = ['observedTimeUnixNano', 'observedTimestamp', 'hrTimeObserved'];
export const MSG_KEYS = ['msg', 'message', 'body', 'log', 'text'];
/** A record with one of these is the app's own, even with a container runtime's `log` and `stream`. */
export const OWN_MSG_KEYS = MSG_KEYS.filter((k) => k !== 'log');
export const LEVEL_KEYS = ['level', 'severity', 'severityText', 'lvl', 'levelname', 'loglevel', 'log.level'];
export const SERVICE_KEYS = ['service', 'service.name', 'serviceName'];
export const HOST_KEYS = ['hostname', 'host', 'host.name'];
export const TRACE_KEYS = ['traceId', 'trace_id', 'traceID', 'trace.id'];
export const SPAN_KEYS = ['spanId', 'span_id', 'spanID', 'span.id'];
/** A Kubernetes pod's name, read for the service when the record names none. */
export const POD_KEYS = ['k8s.pod.name', 'pod', 'pod_name', 'podName'];

/** Consumed as part of the mapping, never copied to attributes. */
export const CONSUMED = new Set([
  ...TIME_KEYS,
  ...MSG_KEYS,
  ...LEVEL_KEYS,
  ...SERVICE_KEYS,
  ...HOST_KEYS,
  ...TRACE_KEYS,
  ...SPAN_KEYS,
  ...OBSERVED_TIME_KEYS,
  'severityNumber',
  'spanContext',
  'resource',
  'instrumentationScope',
  'droppedAttributesCount',
  'flags',
  'attributes',
]);

function usable(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && v !== UNREADABLE;
}

/** The first usable value under one of `keys`, spelled exactly. */
export function first(obj: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const k of keys) {
    const v = readKey(obj, k);
    if (usable(v)) return v;
  }
  return undefined;
}

/** The key of the first usable value under one of `keys`, spelled exactly. */
export function firstKey(obj: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const k of keys) if (usable(readKey(obj, k))) return k;
  return undefined;
}

/** Most keys indexed for a case-insensitive lookup. */
const MAX_FOLDED_KEYS = 64;

/**
 * Case-insensitive lookups, for a record that lacks an exactly named time or message (one not written by
 * a Node logger): a CSV export or a .NET, CloudWatch or collector record says `Timestamp`, `Message`,
 * `Level`, `TraceID`. Keys found that way are in `folded`, so they are not copied to attributes as well.
 * A pino or winston record never makes one.
 */
export class FoldedKeys {
  /** Keys found in another case than asked. */
  readonly folded = new Set<string>();
  readonly #index = new Map<string, string>();

  constructor(private readonly obj: Record<string, unknown>) {
    let n = 0;
    for (const key in obj) {
      if (!Object.hasOwn(obj, key)) continue;
      if (n++ >= MAX_FOLDED_KEYS) break;
      const lower = key.toLowerCase();
      if (!this.#index.has(lower)) this.#index.set(lower, key);
    }
  }

  /**
   * The first usable value under one of `keys` spelled in another case, with its key. `keep`: the key
   * is still copied to attributes (a pod's name read for the service).
   */
  find(keys: readonly string[], keep = false): { key: string; value: unknown } | undefined {
    for (const k of keys) {
      const key = this.#index.get(k.toLowerCase());
      if (key === undefined || key === k) continue;
      const value = readKey(this.obj, key);
      if (usable(value)) {
        if (!keep) this.folded.add(key);
        return { key, value };
      }
    }
    return undefined;
  }
}

/** The first usable value under one of `keys`: spelled exactly, else, with `folding`, in any case. */
export function pick(
  obj: Record<string, unknown>,
  keys: readonly string[],
  folding: FoldedKeys | undefined,
  keep = false,
): unknown {
  const v = first(obj, keys);
  return v !== undefined || folding === undefined ? v : folding.find(keys, keep)?.value;
}
