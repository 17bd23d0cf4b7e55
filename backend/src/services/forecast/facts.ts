/**
 * The facts a forecaster works from (docs/architecture.md, "Forecasts"): gathered once per forecast by
 * `gather-facts.ts` and handed to the built-in and the LLM forecaster alike, so both answer from
 * the same evidence. Plain data (epoch ms, no class instances) so it serialises into a prompt.
 */

/** One risk point as the forecaster needs it. */
export interface FactPoint {
  timestamp: number;
  score: number;
  labels: string[];
}

/** How often a label was given, and since when. */
export interface LabelFact {
  label: string;
  /** Points carrying it in the last 24 h. */
  last24h: number;
  /** Points carrying it in the 6 days before that. */
  previous6d: number;
  /** First point carrying it in the current run of it (back to the last 6-hour gap), epoch ms. */
  since: number;
  lastSeen: number;
  /** The latest explanation of it, naming its numbers (e.g. "error rate 12% vs usual 0.4%"). */
  message?: string;
}

/** A service or endpoint and how many matching lines it wrote. */
export interface NameCount {
  name: string;
  count: number;
}

/** A top error template (from the Memory baseline and the scored explanations). */
export interface TemplateFact {
  id: string;
  pattern: string;
  level: string;
  /** Lines seen over the template's life. */
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Lines counted in explanations of the last 24 h (windows where it was new or spiking). */
  recentCount: number;
  /** Usual lines per scoring window, when the baseline knows it. */
  usualPerWindow?: number;
  /** Services and endpoints of the matching lines in the recent raw logs, most first. */
  services: NameCount[];
  endpoints: NameCount[];
  /** Releases (`version`/`release` fields) of the matching lines in the recent raw logs, most first. */
  releases?: NameCount[];
}

/** A deploy seen in the recent raw logs: a line saying so, or the first line of a new `version`. */
export interface DeployFact {
  release: string;
  at: number;
  service?: string;
}

/** The latest risk point, as scored: the forecast's "now". */
export interface LatestPoint {
  timestamp: number;
  score: number;
  labels: string[];
  /** Each labelled finding's share of the score, as the scorer gave it. */
  contributions: { label: string; points: number }[];
}

/** Per-minute metrics summed over a period. */
export interface PeriodMetrics {
  /** Minutes with any record. */
  minutes: number;
  records: number;
  warn: number;
  /** error + fatal */
  errors: number;
  /** errors / records (0 without records). */
  errorRate: number;
  latencyAvgMs?: number;
  latencyMaxMs?: number;
  memoryMaxMb?: number;
}

/** Metrics of the last 24 h against the 24 h before, and the trend within the last 24 h. */
export interface MetricsFacts {
  last24h: PeriodMetrics;
  previous24h: PeriodMetrics;
  /** Change of the hourly error rate per hour over the last 24 h (least squares), in rate units. */
  errorRateSlopePerHour: number;
  /** Change of the hourly record volume per hour over the last 24 h, as a fraction of the mean. */
  volumeSlopePerHour: number;
}

/** What the SDKs reported dropping (they send counts with the next batch) in the last 7 days. */
export interface InputFacts {
  overflow: number;
  oversize: number;
  beforeSend: number;
  total: number;
  /** Batches that reported drops. */
  batchesWithDrops: number;
  /** Records the backend rejected while normalising, same period. */
  rejected: number;
}

/** An earlier vote on a forecast of this project. */
export interface FeedbackFact {
  forecastId: string;
  date: string;
  accurate: boolean;
  comment?: string;
  /** The voted forecast's pattern (see `forecastPattern`). */
  pattern: string;
  at: number;
}

/** Robust baseline statistics of one signal. */
export interface BaselineSignalFact {
  center: number;
  spread: number;
}

/** Everything a forecast is made from. */
export interface ForecastFacts {
  projectId: string;
  projectName: string;
  now: number;
  /**
   * Risk of the last 30 days, oldest first: raw points, or (as gathered from the store) one per UTC
   * hour with the hour's peak score, its latest timestamp and the labels given in it. The model
   * resamples to hourly peaks either way.
   */
  points: FactPoint[];
  /** The latest risk point (its score, not its hour's peak, is the forecast's "now"). */
  latest?: LatestPoint;
  /** Deploys seen in the last 24 h of raw logs, oldest first. */
  deploys?: DeployFact[];
  /** Scored windows behind `points` (defaults to `points.length`). */
  scoredWindows?: number;
  labels: LabelFact[];
  templates: TemplateFact[];
  metrics: MetricsFacts;
  baseline?: { windows: number; signals: Record<string, BaselineSignalFact> };
  input: InputFacts;
  /** Votes of the last 30 days, newest first. */
  feedback: FeedbackFact[];
}
