/**
 * The app's line inside a container runtime's, for multiline joining: containerd / CRI-O prefix every
 * line the app writes (`<time> stdout F <line>`, Kubernetes' /var/log/containers) and Docker's json-file
 * driver wraps each in `{"log": "<line>\n", "stream": "stdout", "time": "..."}`, so a stack trace arrives
 * one frame a wrapped line. Both cut a line over 16 KiB into parts: CRI marks them `P`, Docker leaves
 * the part's `log` without its `\n`. Fluent Bit's `cri` and `docker` multiline parsers join on the same.
 */
import { containerLine, criLine } from '@cloudsage/schema';

/** A runtime's line: the app's text, whether it is a part of a longer line, and the wrapper to put back. */
export interface ContainerLine {
  text: string;
  partial: boolean;
  /** The app's line is one whole JSON object (so it stands alone); `text` was not decoded. */
  alone?: true;
  /** CRI: the prefix before the text. */
  prefix?: string;
  /** Docker: the record, whose `log` holds the text. */
  record?: Record<string, unknown>;
}

// Docker's json-file lines always start so; a pino line starts with `{"level"`, never paying for a parse.
const DOCKER_START = '{"log":"';
// Where the `log` of an app's whole JSON line ends: `}`, its newline, and the string's closing quote
// (unescaped: inside the string every quote is `\"`), which only the end of `log` can be.
const WHOLE_JSON_END = '}\\n","stream":"';
const ALONE: ContainerLine = { text: '', partial: false, alone: true };

/**
 * The app's line inside `line`, or undefined when no runtime wrapped it. A Docker line that holds an
 * app's whole JSON line (most of them: pino's) is answered without parsing it, unless `decode` (the
 * previous line was a part, which this one's text continues). Parsing each was a fifth of the agent's
 * throughput on json-file logs.
 */
export function containerLineOf(line: string, decode = false): ContainerLine | undefined {
  const cri = criLine(line);
  if (cri !== undefined)
    return { text: cri.rest, partial: cri.partial, prefix: line.slice(0, line.length - cri.rest.length) };
  if (!line.startsWith(DOCKER_START)) return undefined;
  if (!decode && line.charCodeAt(DOCKER_START.length) === 123 /* { */ && line.includes(WHOLE_JSON_END)) return ALONE;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const text = containerLine(record);
  if (text === undefined) return undefined;
  const log = record.log as string;
  return { text, partial: !log.endsWith('\n'), record };
}

/** `text` (joined lines) in the wrapper `first` came in: the runtime's line as one record of it. */
export function rewrap(first: ContainerLine, text: string): string {
  if (first.prefix !== undefined) return first.prefix + text;
  return JSON.stringify({ ...first.record, log: `${text}\n` });
}
