/**
 * Seeded generator of hourly risk series for the forecast backtest: five kinds that cover what a
 * project's risk history looks like (steady, trending up, daily season, an incident then recovery,
 * noisy). Values are 0-100 like real scores, with autocorrelated noise because risk windows that
 * follow each other share causes.
 */

/** The kinds of series in the backtest. */
export const SERIES_KINDS = ['steady', 'trending', 'seasonal', 'incident', 'noisy'] as const;
export type SeriesKind = (typeof SERIES_KINDS)[number];

/** mulberry32: a tiny seeded PRNG, so every run of the eval sees the same series. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box-Muller). */
export function gauss(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const clamp = (v: number) => Math.min(100, Math.max(0, v));

/**
 * An hourly series of `days` days of one kind.
 *
 * @example
 * const ys = generateSeries('seasonal', 28, 7); // 672 hourly scores
 */
export function generateSeries(kind: SeriesKind, days: number, seed: number): number[] {
  const rand = rng(seed);
  const n = days * 24;
  const out: number[] = [];
  const base = 12 + rand() * 12;
  const sigma = kind === 'noisy' ? 10 + rand() * 4 : 3 + rand() * 2;
  const rho = 0.4;
  let ar = 0;
  // trending: rises 25-40 points over the whole series, so the horizon sees ~1-2 points a day.
  const slope = (25 + rand() * 15) / n;
  // seasonal: busy in the (UTC) afternoon, amplitude 10-20.
  const amp = 10 + rand() * 10;
  const phase = Math.floor(rand() * 24);
  // incident: one to three incidents, each a jump to 60-90 that decays with a 3-10 h half-life.
  const incidents = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({
    at: Math.floor((0.2 + rand() * 0.75) * n),
    peak: 60 + rand() * 30,
    halfLife: 3 + rand() * 7,
  }));
  for (let t = 0; t < n; t++) {
    ar = rho * ar + Math.sqrt(1 - rho * rho) * gauss(rand);
    let level = base;
    if (kind === 'trending') level += slope * t;
    if (kind === 'seasonal') level += amp * Math.sin((2 * Math.PI * (t - phase)) / 24);
    if (kind === 'incident') {
      for (const inc of incidents) {
        if (t >= inc.at) level += (inc.peak - base) * 0.5 ** ((t - inc.at) / inc.halfLife);
      }
    }
    out.push(clamp(level + sigma * ar));
  }
  return out;
}
