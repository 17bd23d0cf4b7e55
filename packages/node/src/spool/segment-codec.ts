import { createHash } from 'node:crypto';
import type { DropCounts } from '@cloudsage/schema';

/** One spooled batch: what is needed to send it again exactly as it would have been sent. */
export interface SpooledBatch {
  /** The batch's original Idempotency-Key, so a re-send the backend already has counts once. */
  idempotencyKey: string;
  /** When it was spooled (epoch ms, the client's clock); the age cap reads this. */
  spooledAt: number;
  /** The NDJSON lines, as logged (already redacted and cut to size). */
  lines: string[];
  /** Drop counts that were to travel with it. */
  dropped: DropCounts;
}

// "CSSPOOL <version> <payload bytes> <sha256 hex>\n" then the JSON payload. The header makes a
// truncated file (short payload) and a damaged one (checksum) tell apart from a valid one.
const MAGIC = 'CSSPOOL';
const VERSION = 1;
const HEADER = /^CSSPOOL (\d+) (\d+) ([0-9a-f]{64})$/;
const MAX_HEADER = 128;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Encodes a spooled batch as one segment file's bytes: a header with the payload length and its
 * SHA-256, then the JSON payload.
 *
 * @example
 * writeFileSync(path, encodeSegment({ idempotencyKey, spooledAt: Date.now(), lines, dropped }));
 */
export function encodeSegment(batch: SpooledBatch): Buffer {
  const payload = Buffer.from(
    JSON.stringify({ k: batch.idempotencyKey, t: batch.spooledAt, d: batch.dropped, l: batch.lines }),
  );
  const header = Buffer.from(`${MAGIC} ${VERSION} ${payload.length} ${sha256(payload)}\n`);
  return Buffer.concat([header, payload]);
}

function isDropCounts(v: unknown): v is DropCounts {
  if (v === null || typeof v !== 'object') return false;
  const d = v as Record<string, unknown>;
  return ['overflow', 'oversize', 'before_send'].every((k) => Number.isSafeInteger(d[k]) && (d[k] as number) >= 0);
}

/**
 * Decodes a segment file's bytes, checking length, checksum and shape. Never throws: a damaged or
 * truncated file comes back as `{ ok: false, reason }`.
 *
 * @example
 * const r = decodeSegment(readFileSync(path));
 * if (r.ok) resend(r.batch);
 */
export function decodeSegment(bytes: Uint8Array): { ok: true; batch: SpooledBatch } | { ok: false; reason: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nl = buf.indexOf(10);
  if (nl < 0 || nl > MAX_HEADER) return { ok: false, reason: 'no segment header (truncated or not a spool file)' };
  const match = HEADER.exec(buf.subarray(0, nl).toString('latin1'));
  if (!match) return { ok: false, reason: 'bad segment header' };
  if (Number(match[1]) !== VERSION) return { ok: false, reason: `unknown segment version ${match[1]}` };
  const length = Number(match[2]);
  const payload = buf.subarray(nl + 1);
  if (payload.length < length) return { ok: false, reason: `truncated: ${payload.length} of ${length} payload bytes` };
  if (payload.length > length) return { ok: false, reason: 'trailing bytes after the payload' };
  if (sha256(payload) !== match[3]) return { ok: false, reason: 'checksum mismatch' };
  try {
    const p = JSON.parse(payload.toString('utf8')) as { k?: unknown; t?: unknown; d?: unknown; l?: unknown };
    if (
      typeof p.k !== 'string' ||
      p.k.length === 0 ||
      !Number.isFinite(p.t) ||
      !isDropCounts(p.d) ||
      !Array.isArray(p.l) ||
      !p.l.every((x) => typeof x === 'string')
    ) {
      return { ok: false, reason: 'payload has the wrong shape' };
    }
    return { ok: true, batch: { idempotencyKey: p.k, spooledAt: p.t as number, dropped: p.d, lines: p.l as string[] } };
  } catch (err) {
    return { ok: false, reason: `payload is not JSON: ${(err as Error).message}` };
  }
}
