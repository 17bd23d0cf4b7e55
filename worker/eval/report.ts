/**
 * Prints a set's figures as Markdown tables (the README keeps the latest ones).
 */
import type { AucInterval } from './metrics/bootstrap.js';
import type { ClientImpact, LogImpact } from './metrics/fault-impact.js';
import type { EvalWindow, KindFigures, SetFigures } from './metrics/summarize.js';
import { TRIVIAL } from './metrics/trivial-baselines.js';
import { RECOVERY_WINDOWS } from './metrics/window-truth.js';

const f3 = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
const ci = (a: AucInterval) => (Number.isNaN(a.auc) ? 'n/a' : `${f3(a.auc)} [${f3(a.lo)}, ${f3(a.hi)}]`);
const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`);

function kindRow(k: KindFigures): string {
  const verdict = k.traceless ? 'no trace in logs' : k.met === null ? 'n/a' : k.met ? 'met' : 'MISSED';
  return (
    `| ${k.kind} | ${k.faultWindows} | ${k.healthyWindows} | ${ci(k.score)} | ${ci(k.fresh)} | ` +
    `${TRIVIAL.map((t) => f3(k.trivial[t])).join(' | ')} | ${f3(k.target)} | ${verdict} |`
  );
}

/** The report of one replayed set, as lines. */
export function reportSet(s: SetFigures): string[] {
  const out: string[] = [`### Set \`${s.set}\``, ''];
  out.push('| recording | records | accepted | rejected | windows | unscored | stray points | replay s |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const a of s.alignment) {
    out.push(
      `| ${a.recording} | ${a.records} | ${a.accepted} | ${a.rejected} | ${a.windows} | ${a.unscored} | ${a.stray} | ${a.seconds.toFixed(1)} |`,
    );
  }
  out.push('');
  if (s.kinds.length > 0) {
    out.push(
      '| kind | fault win | healthy win | score AUC [95% CI] | fresh AUC [95% CI] | err-fraction | err-count | line-change | new-templates | target | verdict |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const k of s.kinds) out.push(kindRow(k));
    if (s.overall) out.push(kindRow(s.overall));
    out.push('');
  } else {
    out.push(
      s.labelled
        ? 'No fault windows in this set (its labels mark none): false alarms only.'
        : 'Unlabelled: counts only for false alarms and odd formats.',
      '',
    );
  }
  out.push(
    '| recording | windows | healthy | fault | excluded | healthy >= 30 | healthy >= 60 | fresh >= 30 | labels on healthy >= 30 |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|');
  for (const a of s.falseAlarms) {
    out.push(
      `| ${a.recording} | ${a.windows} | ${a.healthy} | ${a.faultWindows} | ${a.excluded} | ${a.ge30} (${pct(a.ge30, a.healthy)}) | ` +
        `${a.ge60} (${pct(a.ge60, a.healthy)}) | ${a.freshGe30} (${pct(a.freshGe30, a.healthy)}) | ` +
        `${a.topLabels.map(([l, n]) => `${l} ${n}`).join(', ')} |`,
    );
  }
  out.push('');
  for (const a of s.falseAlarms.filter((x) => x.abnormal)) {
    out.push(
      `${a.recording}: left out of the false alarms, ${a.abnormal}; ${a.all30} of ${a.windows} windows >= 30, ${a.all60} >= 60.`,
      '',
    );
  }
  if (s.detections.length > 0) {
    // Lab recordings also say what each fault's service's logs showed, and those that kept the clients'
    // view what each fault cost them, in the same minutes (fault-impact.ts).
    const logs = s.detections.some((d) => d.logs !== undefined);
    const users = s.detections.some((d) => d.clients !== undefined);
    out.push(
      `| recording | fault | service | from | minutes to first >= 60 | fresh |${logs ? ' its logs p95 ms, usual -> fault |' : ''}${users ? ' clients p95 ms, usual -> fault | clients not served |' : ''}`,
    );
    out.push(`|---|---|---|---|---|---|${logs ? '---|' : ''}${users ? '---|---|' : ''}`);
    const m = (x: number | null) => (x === null ? 'never' : x.toFixed(1));
    for (const d of s.detections) {
      out.push(
        `| ${d.recording} | ${d.kind}${d.counted ? '' : ' (not counted)'} | ${d.service} | ${d.from.slice(11, 19)} | ${m(d.minutes)} | ${m(d.freshMinutes)} |${logs ? logCell(d.logs) : ''}${users ? clientCells(d.clients) : ''}`,
      );
    }
    out.push('');
  }
  for (const t of s.targets) out.push(`- ${t.met ? 'met' : 'MISSED'}: ${t.name}: ${t.value}`);
  out.push('');
  return out;
}

/** How windows are labelled, printed once above the tables. */
export const RULES = [
  'Windows: one minute of ingest time, cut and scored by the real dispatcher. A window is a fault window of kind K',
  "when it overlaps K's interval by at least half a window (half the fault if shorter); one overlapping less is",
  `left out, as are the ${RECOVERY_WINDOWS} window(s) right after a fault (recovery) and a healthy first or last window of a`,
  'recording (a partial minute); windows of benign events are healthy.',
  'score = the dispatcher (with the baseline it kept), fresh = the same window alone with no baseline.',
  'AUC = fault windows of the kind vs every healthy window of the set; 95% CI from a seeded stratified bootstrap.',
];

/**
 * Every window, for `--verbose`: truth, both scores, the trivial detectors and the stored labels; a
 * window scoring 10 or more also gets its explanations (points and message), so a false alarm, or a
 * fault window's score that came from something else, can be checked against the logs.
 */
export function windowLines(windows: readonly EvalWindow[]): string[] {
  const out = [
    '| recording | window | truth | score | fresh | err-frac | errors | line-chg | new-tmpl | labels |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const w of windows) {
    const truth = w.truth.state === 'fault' ? w.truth.kinds.join('+') : w.truth.state;
    const t = w.trivial;
    out.push(
      `| ${w.recording} | ${new Date(w.start).toISOString().slice(0, 16)} | ${truth}${w.truth.benign.length ? ` (${w.truth.benign.join('+')})` : ''} | ` +
        `${w.score.toFixed(1)} | ${w.fresh.toFixed(1)} | ${t.errorFraction.toFixed(3)} | ${t.errorCount} | ` +
        `${t.lineChange.toFixed(2)} | ${t.newTemplates} | ${w.labels.join(', ')} |`,
    );
    if (w.score >= 10)
      for (const why of w.why) out.push(`|  |  |  | ${why.replaceAll('|', '\\|')} |  |  |  |  |  |  |`);
  }
  out.push('');
  return out;
}

const ms = (x: number | null) => (x === null ? '-' : x.toFixed(0));

/** The logs' column of a detection row: the fault's service's p95, usual -> during the fault. */
function logCell(l: LogImpact | undefined): string {
  return l === undefined ? ' - |' : ` ${ms(l.usualP95Ms)} -> ${ms(l.faultP95Ms)} |`;
}

/** The clients' columns of a detection row: p95 usual -> during the fault, and the share not served. */
function clientCells(c: ClientImpact | undefined): string {
  if (c === undefined) return ' - | - |';
  const share = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);
  return ` ${ms(c.usualP95Ms)} -> ${ms(c.faultP95Ms)} | ${share(c.usualNotServed)} -> ${share(c.notServed)} |`;
}
