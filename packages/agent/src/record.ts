import { normalizeLine } from '@cloudsage/schema';

/**
 * Turns one (possibly multiline) log record's text into the NDJSON line to ship. A one-line JSON object
 * is passed through as it is (the backend normalizes it); a joined or `service`-stamped one is parsed and
 * re-serialized; other text goes through the schema's normalizer, stamped with the time it was read.
 * Returns `undefined` for text the normalizer rejects.
 *
 * @example
 * toRecordLine('2026-01-02T03:04:05Z ERROR boom', Date.now()); // '{"time":"2026-01-02T03:04:05.000Z","level":"error",...}'
 */
export function toRecordLine(text: string, receivedAt: number, service?: string): string | undefined {
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
