/**
 * Shapes shared by the signals, the combination and the baseline update.
 */
import type { LogRecord, RISK_LABELS, RobustStat, Template } from '@cloudsage/schema';

/** A label the scorer may give (the schema's list). */
export type RiskLabel = (typeof RISK_LABELS)[number];

/** What a signal found: a calibrated risk in [0, 1] and the numbers behind it. */
export interface Finding {
  label: RiskLabel;
  /** Signal name, as in `signals` (`errorRate`, `latencyP95Ms`, ...). */
  signal: string;
  /** 0 = nothing unusual; 0.3 reads as "elevated" on its own; 0.6+ is a clear incident. */
  risk: number;
  /**
   * How clear the reading is, when a signal caps what it adds to the score below that (a volume
   * spike is clear but weak evidence of an incident): the label is given from 0.3 of this.
   */
  strength?: number;
  value: number;
  baseline?: number;
  message: string;
  template?: { id: string; pattern: string; count: number };
  /** The service (or host) the finding is about, when it is one among several. */
  service?: string;
  /**
   * The risk without the windows the finding has lasted (`runs.ts`), when they raised it: what the
   * baseline's learning weight reads, so a lasting change sounds louder but is learned as fast.
   */
  startRisk?: number;
}

/** What the window tells a signal about the project, beyond its records. */
export interface SignalContext {
  /** The project's robust statistic of a signal, or undefined when it has none yet. */
  stat(name: string): RobustStat | undefined;
  /** Windows scored into the baseline so far (0 = cold start). */
  windows: number;
  /** Window length in minutes (from `metadata.window`). */
  windowMinutes: number;
  /** Records in the window before sampling. */
  totalRecords: number;
  /** Window volume over the usual volume (1 when there is no usual yet); counts scale with traffic. */
  volumeRatio: number;
  /**
   * Records whose own time is far before the window (a backfill, an uploaded file, a paste of old
   * lines), scaled like `totalRecords`. They are logs, but not this minute's traffic.
   */
  backfillRecords: number;
  /** Milliseconds between the earliest and latest own time of the window's live records. */
  liveSpanMs: number;
  /**
   * Share of the window the source was sending: below 1 when it resumed after silent windows part-way
   * through this one (from its first record's own time), else 1.
   */
  coverage: number;
  /**
   * Windows in a row, just before this one, in which `label` was found (for `service`, or the project
   * when it is undefined): 0 when it was not found in the last window (`runs.ts`).
   */
  run(label: RiskLabel, service?: string): number;
}

/** A signal's answer: readings for `signals`, findings for labels, and values for the baseline update. */
export interface SignalOutcome {
  signals: Record<string, number>;
  findings: Finding[];
  /** Values to fold into the baseline's robust statistics (only those measured in this window). */
  observations: Record<string, number>;
  /**
   * For an observation that is a share of lines (an error rate), how many lines it was measured over:
   * the baseline update then knows how much of a step is sampling noise (`updateStat`).
   */
  sampleSizes?: Record<string, number>;
}

/**
 * One signal: sees every record once (`observe`), then judges the window (`evaluate`).
 * `weight` is how many original records this one stands for (1 / samplingRatio for sampled levels).
 */
export interface Signal {
  observe(record: LogRecord, levelRank: number, weight: number): void;
  evaluate(ctx: SignalContext): SignalOutcome;
}

/** A template of the window, as the pattern signal reports it to the baseline update. */
export interface WindowTemplate {
  id: string;
  /** Clipped as the schema keeps it (`MAX_TEMPLATE_PATTERN`); the baseline stores it as it is. */
  pattern: string;
  windowCount: number;
  level: string;
  known?: Template;
  /** The service that logged it in this window, when records name one. */
  service?: string;
}
