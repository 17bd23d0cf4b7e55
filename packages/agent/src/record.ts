import { LIMITS, normalizeLine, TRUNCATED_ATTRIBUTE } from '@cloudsage/schema';
import { closeJsonPrefix } from './close-json-prefix.js';

/** Attribute of a record cut from an over-long line: the line's true size in bytes. */
export const ORIGINAL_BYTES_ATTRIBUTE = 'cloudsage.original_bytes';

/**
 * Turns one (possibly multiline) log record's text into the NDJSON line to ship. A one-line JSON object
 * is passed through as it is (the backend normalizes it); a joined or `service`-stamped one is parsed and
 * re-serialized; other text goes through the schema's normalizer, stamped with the time it was read.
 * Returns `undefined` for text the normalizer rejects. With `originalBytes`, `text` is the start of an
 * over-long line cut at the line limit: see {@link cutRecordLine}.
 *
 * @example
 * toRecordLine('2026-01-02T03:04:05Z ERROR boom', Date.now()); // '{"time":"2026-01-02T03:04:05.000Z","level":"error",...}'
 */
export function toRecordLine(
  text: string,
  receivedAt: number,
  service?: string,
  originalBytes?: number,
): string | undefined {
  if (originalBytes !== undefined) return cutRecordLine(text, originalBytes, receivedAt, service);
  if (text.charCodeAt(0) === 123 /* { */ && text.charCodeAt(text.length - 1) === 125 /* } */) {
    // The fast path: a one-line JSON object goes as it is; the backend parses and normalizes it (and
    // reports a line that is not JSON after all as rejected). Parsing here would halve the throughput.
    if (service === undefined && text.indexOf('\n') === -1) return text;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      // Re-serialized: a joined record may hold newlines, and the client splits raw lines on them.
      return JSON.stringify(service === undefined || 'service' in parsed ? parsed : { service, ...parsed });
    }
  }
  const result = normalizeLine(text, receivedAt);
  if (!result.ok) return undefined;
  return JSON.stringify(service === undefined || result.record.service ? result.record : { ...result.record, service });
}

const cutMarker = (bytes: number) => `…[truncated ${bytes} bytes]`;
// A cut record stays this far inside the backend's per-record limit: its normalizer keeps 1 KiB for the
// fixed fields and fills the rest in field order, so a record at the limit would lose its last fields
// (the marks below) to a second cut there.
const CUT_RECORD_BYTES = LIMITS.maxRecordBytes - 8 * 1024;

/**
 * One record from the start of a line longer than the line limit (`head`, of a line of `originalBytes`
 * bytes), never a fragment of it, within the backend's per-record limit. A JSON object stays a JSON
 * record: the members before the cut keep their values (so a pino or winston line keeps its level and
 * time, which come first), and the string the cut fell in ends with `…[truncated N bytes]`, N being the
 * bytes of the line left out. Any other line is a plain-text record of its start with the same marker.
 * Either carries `cloudsage.truncated: true` and `cloudsage.original_bytes`.
 *
 * @example
 * cutRecordLine('{"level":50,"msg":"xxxx', 5_242_880, Date.now()); // '{"level":50,"msg":"xxxx…[truncated 5242858 bytes]",...}'
 */
export function cutRecordLine(
  head: string,
  originalBytes: number,
  receivedAt: number,
  service?: string,
): string | undefined {
  const marks = { [TRUNCATED_ATTRIBUTE]: true, [ORIGINAL_BYTES_ATTRIBUTE]: originalBytes };
  if (head.trimStart().charCodeAt(0) === 123 /* { */) {
    let prefix = head;
    let out: string | undefined;
    // Usually once: the cut falls in the one huge string, which is then shortened to fit the limit.
    for (let attempt = 0; attempt < 4; attempt++) {
      const text = prefix;
      const closed = closeJsonPrefix(text, (kept) => cutMarker(originalBytes - Buffer.byteLength(text.slice(0, kept))));
      if (!closed) break;
      const record = closed.value;
      if (service !== undefined && !('service' in record)) record.service = service;
      out = JSON.stringify({ ...record, ...marks });
      const bytes = Buffer.byteLength(out);
      if (bytes <= CUT_RECORD_BYTES || !closed.cutString) return out;
      prefix = text.slice(0, Math.max(0, closed.kept - (bytes - CUT_RECORD_BYTES) - 64));
    }
    if (out !== undefined) return out;
  }
  const text = head.length > CUT_RECORD_BYTES ? head.slice(0, CUT_RECORD_BYTES) : head;
  const result = normalizeLine(text, receivedAt, CUT_RECORD_BYTES);
  if (!result.ok) return undefined;
  const record = result.record;
  return JSON.stringify({
    ...record,
    ...(service === undefined || record.service ? {} : { service }),
    msg: `${record.msg}${cutMarker(originalBytes - Buffer.byteLength(text))}`,
    attributes: { ...record.attributes, ...marks },
  });
}
