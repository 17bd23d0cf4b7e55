import { readKey } from './sanitize.js';
import { cleanLine } from './text-line.js';

// Container runtimes wrap each line an app writes: Docker's json-file driver, and Fluentd or Fluent Bit
// collecting from Kubernetes, write {"log": "<line>\n", "stream": "stdout", "time": "...", ...}. The
// line inside is the app's record (often pino's JSON); the wrapper only says where and when it came.

const STREAMS = new Set(['stdout', 'stderr']);
const MESSAGE_KEYS = ['msg', 'message', 'body', 'text'];

/**
 * The line a container runtime's record carries, without its line ending; undefined when `obj` is not
 * such a record (no string `log`, no stdout/stderr `stream`, or a message field of its own).
 */
export function containerLine(obj: Record<string, unknown>): string | undefined {
  const log = readKey(obj, 'log');
  if (typeof log !== 'string' || !STREAMS.has(readKey(obj, 'stream') as string)) return undefined;
  for (const key of MESSAGE_KEYS) if (readKey(obj, key) !== undefined) return undefined;
  return cleanLine(log);
}

/** The app's own JSON record inside a container line, when the line holds one. */
export function innerObject(line: string): Record<string, unknown> | undefined {
  const start = line.trimStart();
  if (start.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    const parsed: unknown = JSON.parse(start);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The wrapper's fields but its `log`, which the caller reads as the record itself. */
export function wrapperFields(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in obj) if (Object.hasOwn(obj, key) && key !== 'log') out[key] = readKey(obj, key);
  return out;
}

/** Kubernetes metadata's container name (Fluentd/Fluent Bit), the usual name of the service. */
export function kubernetesContainer(obj: Record<string, unknown>): string | undefined {
  const k8s = readKey(obj, 'kubernetes');
  if (k8s === null || typeof k8s !== 'object') return undefined;
  const name = readKey(k8s as Record<string, unknown>, 'container_name');
  return typeof name === 'string' && name !== '' ? name.slice(0, 256) : undefined;
}

// containerd and CRI-O (Kubernetes' /var/log/containers/*.log) write each line as
// `<RFC 3339 nano time> <stdout|stderr> <F|P> <line>`; P marks a part of a line the runtime split.
const CRI = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) [FP] ?/;

/** A CRI log line's parts: the runtime's time and stream, and the app's line; undefined for other lines. */
export function criLine(line: string): { time: string; stream: string; rest: string } | undefined {
  const m = CRI.exec(line);
  if (m === null) return undefined;
  return { time: m[1] as string, stream: m[2] as string, rest: line.slice(m[0].length) };
}
