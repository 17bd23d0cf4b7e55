/**
 * Scores one window: a single pass over the records feeds every signal, each signal judges the window
 * against the baseline, the findings combine into the score, and the baseline is updated.
 */
import { LEVEL_RANK, type ScoreRequest, type ScoreResponse } from '@cloudsage/schema';
import { updateBaseline } from './baseline.js';
import { combine } from './combine.js';
import { CrashSignal } from './crash.js';
import { ErrorRateSignal } from './error-rate.js';
import { LatencySignal } from './latency.js';
import { MemorySignal } from './memory.js';
import { PatternSignal } from './patterns.js';
import { silentWindowsBefore, withQuietWindows } from './quiet-windows.js';
import { runKey, runsAfter, runsBefore } from './runs.js';
import { history } from './stats.js';
import { TimeTally } from './time-tally.js';
import type { Finding, Signal, SignalContext } from './types.js';
import { VolumeSignal } from './volume.js';

/** Options of {@link scoreWindow}. */
export interface ScoreOptions {
  /** Skip building the updated baseline (the evaluation builds baselines itself; saves work). */
  skipBaseline?: boolean;
}

const MINUTE = 60_000;
/** Records stamped more than this before the window are a backfill (an upload, a paste of old lines). */
const BACKFILL_MS = 5 * MINUTE;

/** Least share of a window a project's first window counts for (its records may start in the last second). */
const MIN_COVERAGE = 0.05;

/**
 * The share of the window from the first record on: a project starts sending mid-minute, and its first
 * window's few records are a fraction of a window's evidence (a rate of 2 errors in 100 records is not a
 * usual rate of 2%), so the baseline takes them at that fraction; a source back from silence sent for
 * that share of the window only, which its volume is judged on.
 */
function firstCoverage(firstMs: number, from: string, to: string): number {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!(end > start) || !Number.isFinite(firstMs)) return 1;
  return Math.min(1, Math.max(MIN_COVERAGE, (end - Math.max(firstMs, start)) / (end - start)));
}

/**
 * Scores a window of logs against the project's baseline and returns the updated baseline.
 * Pure and deterministic: the same request gives the same answer.
 *
 * @example
 * const res = scoreWindow({ projectId: 'p1', logs, metadata: { window: { from, to }, baseline } });
 * res.score; // 0-100; res.labels, res.explanations say why; res.baseline goes back to Memory
 */
export function scoreWindow(req: ScoreRequest, options: ScoreOptions = {}): ScoreResponse {
  const { window } = req.metadata;
  // The silent windows since the last scored one count as volume 0 (quiet-windows.ts).
  const silent = silentWindowsBefore(req.metadata.baseline, window);
  const baseline = withQuietWindows(req.metadata.baseline, silent);
  const runs = runsBefore(baseline, silent);
  const ratio = req.metadata.samplingRatio ?? 1;
  // Sampled levels stand for 1/ratio records each; warn and above were all sent.
  const sampledWeight = 1 / ratio;
  const patterns = new PatternSignal(baseline?.templates);
  const signals: Signal[] = [
    new ErrorRateSignal(),
    new LatencySignal(),
    new VolumeSignal(),
    new MemorySignal(),
    new CrashSignal(),
    patterns,
  ];
  const times = new TimeTally(Date.parse(window.from) - BACKFILL_MS);
  let estimated = 0;
  for (const record of req.logs) {
    const rank = LEVEL_RANK[record.level];
    const weight = rank >= 40 ? 1 : sampledWeight;
    estimated += weight;
    times.add(record.time, weight);
    for (let i = 0; i < signals.length; i++) signals[i]!.observe(record, rank, weight);
  }
  const spanMs = Date.parse(window.to) - Date.parse(window.from);
  const windowMinutes = spanMs > 0 ? spanMs / MINUTE : 1;
  const totalRecords = Math.max(req.metadata.totalRecords ?? Math.round(estimated), req.logs.length);
  // The sample stands for the total: scale its backfill count the same way.
  const backfillRecords = estimated > 0 ? (times.backfill * totalRecords) / estimated : 0;
  const usual = baseline?.signals['volumePerMin'];
  const livePerMin = Math.max(0, totalRecords - backfillRecords) / windowMinutes;
  const ctx: SignalContext = {
    stat: (name) => baseline?.signals[name],
    windows: baseline?.windows ?? 0,
    windowMinutes,
    totalRecords,
    volumeRatio: usual !== undefined && history(usual) >= 3 && usual.center > 0 ? livePerMin / usual.center : 1,
    backfillRecords,
    liveSpanMs: times.spanMs(),
    // A source back from silence started part-way through this window: its minute is that part.
    coverage: silent > 0 ? firstCoverage(times.firstMs(), window.from, window.to) : 1,
    run: (label, service) => runs[runKey(label, service)] ?? 0,
  };
  const findings: Finding[] = [];
  const values: Record<string, number> = {};
  const observations: Record<string, number> = {};
  const sampleSizes: Record<string, number> = {};
  for (const s of signals) {
    const out = s.evaluate(ctx);
    Object.assign(values, out.signals);
    Object.assign(observations, out.observations);
    if (out.sampleSizes !== undefined) Object.assign(sampleSizes, out.sampleSizes);
    findings.push(...out.findings);
  }
  const combined = combine(findings);
  const response: ScoreResponse = {
    score: combined.score,
    labels: combined.labels,
    timestamp: new Date(Date.parse(window.from)).toISOString(),
    signals: values,
    explanations: combined.explanations,
  };
  if (options.skipBaseline !== true) {
    // A change that lasts sounds louder (runs.ts) but is learned at the pace of its first window: else
    // a lasting shift would teach ever less and alarm for three times as long before it became usual.
    const learnScore = findings.some((f) => f.startRisk !== undefined)
      ? combine(findings.map((f) => (f.startRisk === undefined ? f : { ...f, risk: f.startRisk }))).score
      : combined.score;
    response.baseline = updateBaseline(baseline, observations, patterns.templates(), learnScore, window.to, {
      evidence: baseline === undefined ? firstCoverage(times.firstMs(), window.from, window.to) : 1,
      runs: runsAfter(runs, findings),
      sampleSizes,
    });
  }
  return response;
}
