import { z } from 'zod';

/** Version of the Baseline shape; bump when a change is not backward compatible. */
export const BASELINE_VERSION = 1;
/** Most templates a baseline keeps; the least recently seen go first. */
export const MAX_BASELINE_TEMPLATES = 2000;
/** Longest template pattern kept in a baseline. */
export const MAX_TEMPLATE_PATTERN = 512;
/** Most entries of a baseline's `runs`. */
export const MAX_BASELINE_RUNS = 64;

/**
 * Robust running statistics of one signal: a center and a spread that outliers do not drag
 * (the worker keeps them as an EWMA of the median and of the absolute deviation), and how many
 * windows fed them.
 */
export const RobustStat = z.object({
  center: z.number().finite(),
  spread: z.number().finite().nonnegative(),
  n: z.number().int().nonnegative(),
  /**
   * Effective number of windows behind the statistic: windows that scored high teach at a reduced
   * weight, so this grows by less than one for them. Absent in baselines from before it was added
   * (read as `n`).
   */
  w: z.number().finite().nonnegative().optional(),
  /** The baseline's `windows` when the statistic last took a value (per-service statistics age out). */
  last: z.number().int().nonnegative().optional(),
});
export type RobustStat = z.infer<typeof RobustStat>;

/** A log template mined by Drain, with where and how often it was seen. */
export const Template = z.object({
  id: z.string().max(64),
  pattern: z.string().max(MAX_TEMPLATE_PATTERN),
  count: z.number().int().nonnegative(),
  firstSeen: z.iso.datetime({ offset: true }),
  lastSeen: z.iso.datetime({ offset: true }),
  /** The highest level the template was seen at; error templates drive "New Error Pattern". */
  level: z.string().max(8).optional(),
  /** EWMA of the per-window count, for "template spiking". */
  rate: z.number().finite().nonnegative().optional(),
  /**
   * EWMA of the per-window count's absolute deviation from `rate`: how bursty the template usually is
   * (a chronic error that follows the traffic mix moves far more than Poisson noise).
   */
  spread: z.number().finite().nonnegative().optional(),
  /** The service that logged it most recently, when records name one. */
  service: z.string().max(64).optional(),
});
export type Template = z.infer<typeof Template>;

/**
 * A project's baseline, kept in Memory by the backend, sent with every score request and
 * returned updated by the worker (docs/architecture.md, "Baseline and templates").
 */
export const Baseline = z.object({
  version: z.literal(BASELINE_VERSION),
  updatedAt: z.iso.datetime({ offset: true }),
  /** Windows scored into this baseline. */
  windows: z.number().int().nonnegative(),
  /** Per-signal statistics, keyed by signal name (`errorRate`, `latencyP95Ms`, `volumePerMin`, ...). */
  signals: z.record(z.string().max(64), RobustStat),
  templates: z.array(Template).max(MAX_BASELINE_TEMPLATES),
  /**
   * Consecutive windows, up to the last one scored, in which a label was found (keyed by label for the
   * project, `label|service` for one service): a change that lasts counts for more than a blip. Absent
   * in baselines from before it was added, and when nothing was found.
   */
  runs: z
    .record(z.string().max(64), z.number().int().positive())
    .refine((r) => Object.keys(r).length <= MAX_BASELINE_RUNS, {
      message: `at most ${MAX_BASELINE_RUNS} runs`,
    })
    .optional(),
});
export type Baseline = z.infer<typeof Baseline>;
