/**
 * Turns replayed windows into the evaluation's figures: AUC with bootstrap intervals per set and per
 * fault kind beside the trivial detectors, false-alarm shares, detection delays, and the targets.
 */

import { rocAuc } from '../auc.js';
import type { ClientMinute } from '../lab/client-minutes.js';
import type { Fault } from '../sets/labels.js';
import { type AucInterval, aucInterval, DEFAULT_DRAWS } from './bootstrap.js';
import { type ClientImpact, clientImpact, type LogImpact, logImpact } from './fault-impact.js';
import { TRIVIAL, type TrivialName, type TrivialScores, trivialScores } from './trivial-baselines.js';
import { RECOVERY_WINDOWS, type WindowTruth, windowTruth } from './window-truth.js';

/** One window as the backend replay reports it (backend/eval/replay/replay.ts, WindowRow). */
export interface ReplayedWindow {
  start: number;
  records: number;
  warn: number;
  error: number;
  fatal: number;
  services: Record<string, number>;
  severe: string[];
  score: number | null;
  labels: string[];
  why: string[];
  fresh: number;
  freshLabels: string[];
}

/** One recording's replay (backend/eval/replay/replay.ts, ReplayResult). */
export interface Replayed {
  name: string;
  windowMs: number;
  records: number;
  requests: number;
  accepted: number;
  rejected: number;
  expectedWindows: number[];
  strayPoints: string[];
  windows: ReplayedWindow[];
  seconds: number;
}

/** A replayed recording with its set and labels. */
export interface LabelledReplay {
  set: string;
  labelled: boolean;
  /** Known abnormal without an interval: every window is left out (Labels.abnormal). */
  abnormal?: string;
  faults: Fault[];
  replay: Replayed;
  /** What the load generator's requests met per minute, for a lab recording that kept it. */
  clients?: ClientMinute[];
  /** Each service's latency p95 per arrival minute in the logs (service -> minute start -> ms). */
  logP95?: ReadonlyMap<string, ReadonlyMap<number, number | null>>;
}

/** One window ready for the metrics. */
export interface EvalWindow {
  set: string;
  recording: string;
  start: number;
  truth: WindowTruth;
  /** The dispatcher's score (0 if none was stored: counted as an alignment fault). */
  score: number;
  fresh: number;
  labels: string[];
  /** The stored explanations (points and message), strongest first. */
  why: string[];
  trivial: TrivialScores;
}

/** AUCs of one kind (or overall) against every healthy window of the set. */
export interface KindFigures {
  kind: string;
  faultWindows: number;
  healthyWindows: number;
  score: AucInterval;
  fresh: AucInterval;
  trivial: Record<TrivialName, number>;
  best: { name: TrivialName; auc: number };
  /** Nothing, the scores included, tells these windows apart: no trace in the logs. */
  traceless: boolean;
  /** The AUC the score must reach, and whether it does (null: not counted). */
  target: number;
  met: boolean | null;
}

/** False alarms of one recording (or a set's total). */
export interface FalseAlarms {
  recording: string;
  windows: number;
  healthy: number;
  faultWindows: number;
  excluded: number;
  ge30: number;
  ge60: number;
  freshGe30: number;
  /** Windows of any truth scoring >= 30 and >= 60. */
  all30: number;
  all60: number;
  /** Why none of its windows counts as healthy, if so. */
  abnormal?: string;
  /** Labels on healthy windows scoring >= 30, most frequent first. */
  topLabels: [string, number][];
}

/** How soon one fault was flagged (a window >= 60). */
export interface Detection {
  recording: string;
  kind: string;
  service: string;
  from: string;
  /** Minutes from the fault's start to the end of the first window >= 60; null: never. */
  minutes: number | null;
  freshMinutes: number | null;
  counted: boolean;
  /** What the fault cost the clients, for a recording that kept their view. */
  clients?: ClientImpact;
  /** What the fault's service's logs showed in the same minutes. */
  logs?: LogImpact;
}

/** Windows whose scores did not come back as expected. */
export interface Alignment {
  recording: string;
  records: number;
  accepted: number;
  rejected: number;
  windows: number;
  unscored: number;
  stray: number;
  seconds: number;
}

/** A target and whether it is met. */
export interface Target {
  name: string;
  value: string;
  met: boolean;
}

/** Everything measured on one set. */
export interface SetFigures {
  set: string;
  labelled: boolean;
  kinds: KindFigures[];
  overall: KindFigures | null;
  falseAlarms: FalseAlarms[];
  detections: Detection[];
  alignment: Alignment[];
  targets: Target[];
}

const TRACE_AUC = 0.6;

/** Windows of every replay with their truth and trivial scores. */
export function evalWindows(replays: readonly LabelledReplay[]): EvalWindow[] {
  const out: EvalWindow[] = [];
  for (const r of replays) {
    const ws = r.replay.windows;
    const truth = r.abnormal
      ? ws.map((): WindowTruth => ({ state: 'excluded', kinds: [], benign: [] }))
      : windowTruth(
          ws.map((w) => w.start),
          r.replay.windowMs,
          r.faults,
        );
    // A recording starts and stops mid-minute: its first and last windows hold part of a minute
    // (a "volume drop" the system never had), so a healthy one is left out.
    for (const i of [0, ws.length - 1]) {
      if (truth[i]?.state === 'healthy') truth[i] = { state: 'excluded', kinds: [], benign: [] };
    }
    const trivial = trivialScores(ws);
    ws.forEach((w, i) => {
      out.push({
        set: r.set,
        recording: r.replay.name,
        start: w.start,
        truth: truth[i]!,
        score: w.score ?? 0,
        fresh: w.fresh,
        labels: w.labels,
        why: w.why ?? [],
        trivial: trivial[i]!,
      });
    });
  }
  return out;
}

function judge(kind: string, pos: EvalWindow[], neg: EvalWindow[], draws: number, seed: number): KindFigures {
  const trivial = {} as Record<TrivialName, number>;
  let best: { name: TrivialName; auc: number } = { name: TRIVIAL[0], auc: Number.NaN };
  for (const name of TRIVIAL) {
    const auc = rocAuc(
      pos.map((w) => w.trivial[name]),
      neg.map((w) => w.trivial[name]),
    );
    trivial[name] = auc;
    if (!(auc <= best.auc)) best = { name, auc };
  }
  const score = aucInterval(
    pos.map((w) => w.score),
    neg.map((w) => w.score),
    draws,
    seed,
  );
  const fresh = aucInterval(
    pos.map((w) => w.fresh),
    neg.map((w) => w.fresh),
    draws,
    seed + 1,
  );
  const traceless = Math.max(score.auc, fresh.auc, best.auc) < TRACE_AUC;
  const target = Math.max(0.9, best.auc);
  return {
    kind,
    faultWindows: pos.length,
    healthyWindows: neg.length,
    score,
    fresh,
    trivial,
    best,
    traceless,
    target,
    met: traceless || Number.isNaN(score.auc) ? null : score.auc >= target,
  };
}

function detections(r: LabelledReplay): Detection[] {
  const W = r.replay.windowMs;
  return r.faults
    .filter((f) => !f.benign)
    .map((f) => {
      const from = Date.parse(f.from);
      const to = Date.parse(f.to);
      const first = (pick: (w: ReplayedWindow) => number) => {
        const w = r.replay.windows.find(
          (x) => x.start + W > from && x.start < to + RECOVERY_WINDOWS * W && pick(x) >= 60,
        );
        return w ? (w.start + W - from) / 60_000 : null;
      };
      return {
        recording: r.replay.name,
        kind: f.kind,
        service: f.service,
        from: f.from,
        minutes: first((w) => w.score ?? 0),
        freshMinutes: first((w) => w.fresh),
        counted: true,
        ...(r.clients ? { clients: clientImpact(r.clients, f, r.faults) } : {}),
        ...(r.logP95 ? { logs: logImpact(r.logP95.get(f.service) ?? new Map(), f, r.faults) } : {}),
      };
    });
}

function falseAlarms(recording: string, ws: readonly EvalWindow[], freshOf = (w: EvalWindow) => w.fresh): FalseAlarms {
  const healthy = ws.filter((w) => w.truth.state === 'healthy');
  const labels = new Map<string, number>();
  for (const w of healthy) if (w.score >= 30) for (const l of w.labels) labels.set(l, (labels.get(l) ?? 0) + 1);
  return {
    recording,
    windows: ws.length,
    healthy: healthy.length,
    faultWindows: ws.filter((w) => w.truth.state === 'fault').length,
    excluded: ws.filter((w) => w.truth.state === 'excluded').length,
    ge30: healthy.filter((w) => w.score >= 30).length,
    ge60: healthy.filter((w) => w.score >= 60).length,
    freshGe30: healthy.filter((w) => freshOf(w) >= 30).length,
    all30: ws.filter((w) => w.score >= 30).length,
    all60: ws.filter((w) => w.score >= 60).length,
    topLabels: [...labels].sort((a, b) => b[1] - a[1]).slice(0, 4),
  };
}

/**
 * The figures of one set from its replays.
 *
 * @example
 * const figures = summarizeSet('lab', replays, 2000, 1);
 * figures.overall?.score.auc;
 */
export function summarizeSet(
  set: string,
  replays: readonly LabelledReplay[],
  draws = DEFAULT_DRAWS,
  seed = 1,
): SetFigures {
  const windows = evalWindows(replays);
  const healthy = windows.filter((w) => w.truth.state === 'healthy');
  const labelled = replays.some((r) => r.labelled);
  const kindNames = [...new Set(replays.flatMap((r) => r.faults.filter((f) => !f.benign).map((f) => f.kind)))].sort();
  const kinds = kindNames.map((k, i) =>
    judge(
      k,
      windows.filter((w) => w.truth.kinds.includes(k)),
      healthy,
      draws,
      seed + 10 * (i + 1),
    ),
  );
  const counted = new Set(kinds.filter((k) => !k.traceless).map((k) => k.kind));
  const positives = windows.filter((w) => w.truth.kinds.some((k) => counted.has(k)));
  const overall = positives.length > 0 && healthy.length > 0 ? judge('overall', positives, healthy, draws, seed) : null;
  if (overall) {
    overall.target = Math.max(0.95, overall.best.auc + 0.05);
    overall.met = overall.score.auc >= overall.target;
  }
  const perRecording = replays.map((r) => ({
    ...falseAlarms(
      r.replay.name,
      windows.filter((w) => w.recording === r.replay.name),
    ),
    ...(r.abnormal ? { abnormal: r.abnormal } : {}),
  }));
  const total = falseAlarms('all', windows);
  const dets = replays.flatMap(detections).map((d) => ({ ...d, counted: counted.has(d.kind) }));
  const alignment = replays.map((r) => ({
    recording: r.replay.name,
    records: r.replay.records,
    accepted: r.replay.accepted,
    rejected: r.replay.rejected,
    windows: r.replay.windows.length,
    unscored: r.replay.windows.filter((w) => w.score === null).length,
    stray: r.replay.strayPoints.length,
    seconds: r.replay.seconds,
  }));
  const targets: Target[] = [];
  const share = total.healthy > 0 ? total.ge30 / total.healthy : 0;
  targets.push({
    name: 'healthy windows >= 30 at most 2%',
    // Two decimals: 3 of 149 is 2.01%, over the target, which one decimal would show as 2.0%.
    value: `${(100 * share).toFixed(2)}% (${total.ge30}/${total.healthy})`,
    met: share <= 0.02,
  });
  if (overall) {
    targets.push({
      name: 'overall AUC >= 0.95 and >= best trivial + 0.05',
      value:
        `${overall.score.auc.toFixed(3)} vs ${overall.target.toFixed(3)}` +
        (overall.target > 1 ? ' (unreachable: a trivial detector already scores >= 0.95)' : ''),
      met: overall.met === true,
    });
  }
  for (const k of kinds) {
    if (k.met === null) continue;
    targets.push({
      name: `${k.kind}: AUC >= max(0.90, best trivial)`,
      value: `${k.score.auc.toFixed(3)} vs ${k.target.toFixed(3)}`,
      met: k.met,
    });
  }
  const countedDets = dets.filter((d) => d.counted);
  if (countedDets.length > 0) {
    const late = countedDets.filter(
      (d) => d.minutes === null || d.minutes > 2 * (replays[0]!.replay.windowMs / 60_000),
    );
    targets.push({
      name: 'every fault flagged (>= 60) within 2 windows',
      value: `${countedDets.length - late.length}/${countedDets.length}`,
      met: late.length === 0,
    });
  }
  return {
    set,
    labelled,
    kinds,
    overall,
    falseAlarms: [...perRecording, total],
    detections: dets,
    alignment,
    targets,
  };
}
