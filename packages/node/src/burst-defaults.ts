import type { CloudSageOptions } from './options.js';

/**
 * Buffer bounds for the logger integrations (`@cloudsage/pino`, `@cloudsage/winston`, `@cloudsage/otel`),
 * which the client's own defaults (100,000 records, 64 MiB) do not fit: a burst logged in one synchronous
 * loop is all buffered before the first batch can leave, and 300,000 small records (~75-80 MiB with the
 * per-record overhead) overran both. The bytes bound is the one that limits memory; the records bound
 * only has to stay out of its way.
 *
 * @example
 * BURST_BUFFER_DEFAULTS.maxBufferBytes; // 134217728 (128 MiB)
 */
export const BURST_BUFFER_DEFAULTS = Object.freeze({
  maxBufferRecords: 1_000_000,
  maxBufferBytes: 128 * 1024 * 1024,
});

/**
 * Sets `maxBufferRecords` and `maxBufferBytes` to {@link BURST_BUFFER_DEFAULTS} where `options` leaves
 * them unset; values the caller gave are kept. Changes `options` in place and returns it.
 *
 * @example
 * withBurstBufferDefaults({ endpoint: 'http://127.0.0.1:3001', apiKey: 'csk_x' }).maxBufferRecords; // 1000000
 */
export function withBurstBufferDefaults<T extends CloudSageOptions>(
  options: T,
): T & Required<Pick<CloudSageOptions, 'maxBufferRecords' | 'maxBufferBytes'>> {
  options.maxBufferRecords ??= BURST_BUFFER_DEFAULTS.maxBufferRecords;
  options.maxBufferBytes ??= BURST_BUFFER_DEFAULTS.maxBufferBytes;
  return options as T & Required<Pick<CloudSageOptions, 'maxBufferRecords' | 'maxBufferBytes'>>;
}
