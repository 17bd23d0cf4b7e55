/** Why the SDK dropped a record before sending it. */
export const DROP_REASONS = ['overflow', 'oversize', 'before_send'] as const;
export type DropReason = (typeof DROP_REASONS)[number];
export type DropCounts = Record<DropReason, number>;

/** An all-zero drop count. */
export function emptyDropCounts(): DropCounts {
  return { overflow: 0, oversize: 0, before_send: 0 };
}

/**
 * Formats drop counts as `overflow=N,oversize=N,before_send=N`, or `undefined` when all are zero.
 *
 * @example
 * formatDroppedHeader({ overflow: 3, oversize: 0, before_send: 1 }); // 'overflow=3,oversize=0,before_send=1'
 */
export function formatDroppedHeader(counts: DropCounts): string | undefined {
  if (counts.overflow + counts.oversize + counts.before_send === 0) return undefined;
  return DROP_REASONS.map((r) => `${r}=${counts[r]}`).join(',');
}

/**
 * Parses an `X-CloudSage-Dropped` value. Unknown reasons and malformed parts are ignored, never thrown.
 *
 * @example
 * parseDroppedHeader('overflow=3,before_send=1'); // { overflow: 3, oversize: 0, before_send: 1 }
 */
export function parseDroppedHeader(value: string | null | undefined): DropCounts {
  const counts = emptyDropCounts();
  if (typeof value !== 'string' || value.length > 256) return counts;
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim() as DropReason;
    const n = Number(part.slice(eq + 1).trim());
    if ((DROP_REASONS as readonly string[]).includes(key) && Number.isSafeInteger(n) && n >= 0) {
      counts[key] = n;
    }
  }
  return counts;
}
