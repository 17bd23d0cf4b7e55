import { readKey } from './sanitize.js';
import { cleanLine } from './text-line.js';

// Container runtimes wrap each line an app writes: Docker's json-file driver, and Fluentd or Fluent Bit
// collecting from Kubernetes, write {"log": "<line>\n", "stream": "stdout", "time": "...", ...}. The
// line inside is the app's record (often pino's JSON); the wrapper only says where and when it came.

const STREAMS = new Set(['stdout', 'stderr']);

/**
 * The line a container runtime's record carries, without its line ending; undefined when `obj` is not
 * such a record (no string `log`, no stdout/stderr `stream`). The caller checks that the record has no
 * message field of its own.
 */
export function containerLine(obj: Record<string, unknown>): string | undefined {
  const log = readKey(obj, 'log');
  if (typeof log !== 'string' || !STREAMS.has(readKey(obj, 'stream') as string)) return undefined;
  return cleanLine(log);
}

/** The wrapper's fields but `inner` (its `log`, or a message holding a JSON record), which the caller reads as the record itself. */
export function wrapperFields(obj: Record<string, unknown>, inner: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in obj) if (Object.hasOwn(obj, key) && key !== inner) out[key] = readKey(obj, key);
  return out;
}

/** Kubernetes metadata's container name (Fluentd/Fluent Bit), the usual name of the service. */
export function kubernetesContainer(obj: Record<string, unknown>): unknown {
  const k8s = readKey(obj, 'kubernetes');
  return k8s !== null && typeof k8s === 'object'
    ? readKey(k8s as Record<string, unknown>, 'container_name')
    : undefined;
}

// containerd and CRI-O (Kubernetes' /var/log/containers/*.log) write each line as
// `<RFC 3339 nano time> <stdout|stderr> <F|P> <line>`; P marks a part of a line the runtime split.
const CRI = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([FP]) ?/;

/** A CRI log line's parts: the runtime's time and stream, the app's line, and whether it is a part. */
export interface CriLine {
  time: string;
  stream: string;
  rest: string;
  /** `P`: the runtime cut the app's line here (at 16 KiB); its rest is on the next line. */
  partial: boolean;
}

/**
 * The parts of a containerd / CRI-O log line (`<time> <stdout|stderr> <F|P> <line>`, Kubernetes'
 * /var/log/containers); undefined for other lines.
 *
 * @example
 * criLine('2026-06-15T11:00:00.1Z stderr F boom')?.rest; // 'boom'
 */
export function criLine(line: string): CriLine | undefined {
  // Cheap guard first: the date's dash at 4 and the T at 10.
  if (line.charCodeAt(4) !== 45 || line.charCodeAt(10) !== 84) return undefined;
  const m = CRI.exec(line);
  if (m === null) return undefined;
  return { time: m[1] as string, stream: m[2] as string, rest: line.slice(m[0].length), partial: m[3] === 'P' };
}
