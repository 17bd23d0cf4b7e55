/** The body forms `POST /api/ingest` takes from the dashboard. */
export type IngestFormat = 'auto' | 'ndjson' | 'json' | 'text';

export const CONTENT_TYPE: Record<Exclude<IngestFormat, 'auto'>, string> = {
  ndjson: 'application/x-ndjson',
  json: 'application/json',
  text: 'text/plain',
};

/**
 * Guesses the body form from the text: a JSON array or object is JSON, lines that each look like a
 * JSON object are NDJSON, anything else is plain text lines (the server guesses levels and times).
 */
export function detectFormat(text: string): Exclude<IngestFormat, 'auto'> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) return 'json';
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length > 0 && lines.every((l) => l.trimStart().startsWith('{'))) {
    return lines.length === 1 && /"logs"\s*:/.test(trimmed) ? 'json' : 'ndjson';
  }
  return 'text';
}

/**
 * The source line of the item at `index` (0-based, blank lines not counted, as the server counts
 * them) in a line-based body; undefined for JSON bodies, where items are not lines.
 */
export function lineOf(text: string, format: Exclude<IngestFormat, 'auto'>, index: number) {
  if (format === 'json') return undefined;
  let seen = -1;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] as string).trim() === '') continue;
    seen++;
    if (seen === index) return { line: i + 1, text: lines[i] as string };
  }
  return undefined;
}
