// Date#toISOString costs about a microsecond on Node 20, more than the rest of normalizing a record.
// The "yyyy-mm-ddThh:" prefix is cached per hour (records of one batch rarely span more than one, even
// when they jump between seconds), and minutes, seconds and milliseconds come from lookup tables.
const HOUR_MS = 3_600_000;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let cachedHour = Number.NaN;
let cachedPrefix = '';

/**
 * Formats epoch ms as an ISO-8601 UTC string, like `new Date(ms).toISOString()`, but faster. Meant for
 * the normalizer's valid range (1970 to 9999); a fraction of a millisecond is dropped.
 *
 * @example
 * isoFromMs(Date.UTC(2026, 0, 2, 3, 4, 5, 6)); // '2026-01-02T03:04:05.006Z'
 */
export function isoFromMs(ms: number): string {
  const hour = Math.floor(ms / HOUR_MS);
  if (hour !== cachedHour) {
    const full = new Date(hour * HOUR_MS).toISOString();
    cachedHour = hour;
    cachedPrefix = full.slice(0, full.length - 10);
  }
  const inHour = Math.floor(ms - hour * HOUR_MS);
  const minute = Math.floor(inHour / 60_000);
  const inMinute = inHour - minute * 60_000;
  const second = Math.floor(inMinute / 1000);
  return `${cachedPrefix}${TWO[minute]}:${TWO[second]}.${THREE[inMinute - second * 1000]}Z`;
}
