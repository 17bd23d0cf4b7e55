const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A time input the normalizer accepts as the receive time. */
export type TimeInput = Date | number | string;

/** Turns an epoch number of unknown unit (s, ms, µs, ns) into ms; the unit is guessed by magnitude. */
function epochToMs(n: number): number {
  const abs = Math.abs(n);
  if (abs >= 1e17) return n / 1e6; // nanoseconds
  if (abs >= 1e14) return n / 1e3; // microseconds
  if (abs >= 1e11) return n; // milliseconds
  return n * 1000; // seconds
}

/**
 * `ms` when it is a usable time (after epoch 0, before the year 10000), else undefined. Epoch 0 is how
 * loggers and OTLP say "no time", so it is not one.
 */
export function validMs(ms: number): number | undefined {
  return Number.isFinite(ms) && ms > MIN_MS && ms <= MAX_MS ? ms : undefined;
}

/**
 * Reads a timestamp as written by loggers: epoch numbers in any unit, numeric strings,
 * OTel `[seconds, nanos]` tuples and `timeUnixNano` strings, and ISO/RFC date strings.
 * Returns epoch ms, or undefined when the value is not a usable time (epoch 0, which loggers write
 * for "no time", or outside 1970-9999).
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return validMs(epochToMs(value));
  if (typeof value === 'string') {
    if (value.length === 0 || value.length > 64) return undefined;
    if (/^\d{1,20}$/.test(value)) {
      // Digit strings are epoch numbers (OTLP timeUnixNano among them), never dates: Date.parse
      // would read "0" as the year 2000. Number loses sub-ms precision, which we drop anyway.
      return validMs(epochToMs(Number(value)));
    }
    return validMs(Date.parse(value));
  }
  if (value instanceof Date) return validMs(value.getTime());
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number') {
    return validMs(value[0] * 1000 + value[1] / 1e6);
  }
  return undefined;
}

/** The receive time as epoch ms; falls back to now when the caller passed something unusable. */
export function receivedMs(receivedAt: TimeInput | undefined): number {
  const ms = receivedAt === undefined ? undefined : parseTime(receivedAt);
  return ms ?? Date.now();
}
