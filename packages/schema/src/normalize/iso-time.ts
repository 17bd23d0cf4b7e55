// Date#toISOString costs about a microsecond on Node 20, more than the rest of normalizing a
// record. Records of one batch share their second, so the "yyyy-mm-ddThh:mm:ss." prefix is cached.
let cachedSecond = Number.NaN;
let cachedPrefix = '';

/** Formats epoch ms as an ISO-8601 UTC string, like `new Date(ms).toISOString()`, but faster. */
export function isoFromMs(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const full = new Date(second * 1000).toISOString();
    cachedSecond = second;
    cachedPrefix = full.slice(0, full.length - 4);
  }
  const frac = Math.floor(ms - second * 1000);
  return `${cachedPrefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}
