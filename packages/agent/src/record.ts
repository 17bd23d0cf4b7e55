import { normalizeLine } from '@cloudsage/schema';

/**
 * Turns one (possibly multiline) log record's text into the NDJSON line to ship. A JSON object line is
 * passed through as it is (the backend normalizes it; re-serializing would cost the fast path); other
 * text goes through the schema's normalizer, stamped with the time it was read. Returns `undefined` for
 * text the normalizer rejects.
 *
 * @example
 * toRecordLine('2026-01-02T03:04:05Z ERROR boom', Date.now()); // '{"time":"2026-01-02T03:04:05.000Z","level":"error",...}'
 */
export function toRecordLine(text: string, receivedAt: number, service?: string): string | undefined {
  if (text.charCodeAt(0) === 123 /* { */ && text.charCodeAt(text.length - 1) === 125 /* } */) {
    // A joined record may be valid JSON with newlines inside: re-serialize it so it stays one line.
    const oneLine = text.indexOf('\n') === -1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      if (oneLine && (service === undefined || 'service' in parsed)) return text;
      if (service === undefined || 'service' in parsed) return JSON.stringify(parsed);
      return JSON.stringify({ service, ...parsed });
    }
  }
  const result = normalizeLine(text, receivedAt);
  if (!result.ok) return undefined;
  return JSON.stringify(service === undefined || result.record.service ? result.record : { ...result.record, service });
}
