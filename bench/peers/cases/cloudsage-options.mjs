// The options every CloudSage shipper gets: the sink and a key, as in the READMEs' one-line set-ups, plus
// BENCH_CLOUDSAGE_OPTIONS (JSON) for what-if runs; unset in a normal run, so the defaults are measured.
const extra = process.env.BENCH_CLOUDSAGE_OPTIONS ? JSON.parse(process.env.BENCH_CLOUDSAGE_OPTIONS) : {};

/** @param {string} sinkUrl */
export const cloudsageOptions = (sinkUrl) => ({ endpoint: sinkUrl, apiKey: 'csk_bench', ...extra });
