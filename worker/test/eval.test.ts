/**
 * Checks the scoring evaluation's harness itself, not the scorer's quality: the smallest recording
 * replays through the real backend (a child process) against the built worker with every window
 * scored once and aligned with the recording's own ingest times; fault intervals map to the windows
 * the rule says; AUC and its bootstrap interval behave on orderings whose answer is known.
 * Needs `pnpm --dir worker build` (worker/dist) like the whole-stack test.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rocAuc } from '../eval/auc.js';
import { DEFAULT_OPTIONS } from '../eval/dataset.js';
import { evaluate } from '../eval/evaluate.js';
import { aucInterval } from '../eval/metrics/bootstrap.js';
import { clientImpact, logImpact } from '../eval/metrics/fault-impact.js';
import { type Replayed, summarizeSet } from '../eval/metrics/summarize.js';
import { trivialScores } from '../eval/metrics/trivial-baselines.js';
import { windowTruth } from '../eval/metrics/window-truth.js';
import { type RunningWorker, replayAll, startWorker } from '../eval/replay-client.js';
import { reportSet } from '../eval/report.js';
import { type Labels, labRecordings, readLabels } from '../eval/sets/labels.js';
import { lineTime, SAMPLES, sampleLines, writePublicRecording } from '../eval/sets/public-set.js';

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The smallest lab recording; the Hadoop public sample stands in when the lab has none yet. */
function smallestRecording(): { name: string; dir: string; labels: Labels } {
  const lab = labRecordings().sort(
    (a, b) => statSync(join(a.dir, 'records.ndjson.gz')).size - statSync(join(b.dir, 'records.ndjson.gz')).size,
  );
  if (lab[0]) return lab[0];
  const sample = SAMPLES.find((x) => x.name === 'Hadoop')!;
  const dir = writePublicRecording(sample, mkdtempSync(join(tmpdir(), 'cs-eval-test-')));
  return { name: 'Hadoop', dir, labels: readLabels(dir) };
}

describe('the public set', () => {
  it('times every line as the product reads it, HPC aside (its epoch is a fifth field)', () => {
    for (const sample of SAMPLES) {
      const lines = sampleLines(sample.name);
      const untimed = lines.filter((l) => lineTime(sample, l) === undefined);
      expect({ name: sample.name, lines: lines.length, untimed: untimed.length }).toEqual({
        name: sample.name,
        lines: 2000,
        untimed: 0,
      });
    }
    expect(SAMPLES.filter((x) => x.time !== undefined).map((x) => x.name)).toEqual(['HPC']);
  });

  // Each sample's first and last time, as the set's own per-format readers gave them before the product
  // read them (the same time on every line, compared once when the set moved to the product's reader).
  it.each([
    ['Thunderbird', '2005-11-09T20:01:01.000Z', '2005-11-09T20:15:32.000Z'],
    ['HDFS', '2008-11-09T20:36:15.000Z', '2008-11-11T10:20:17.000Z'],
    ['Apache', '2005-12-04T04:47:44.000Z', '2005-12-05T19:15:57.000Z'],
    ['OpenSSH', '2015-12-10T06:55:46.000Z', '2015-12-10T11:04:45.000Z'],
    ['Zookeeper', '2015-07-29T17:41:44.747Z', '2015-08-25T11:26:28.145Z'],
    ['Spark', '2017-06-09T20:10:40.000Z', '2017-06-09T20:11:11.000Z'],
    ['Hadoop', '2015-10-18T18:01:47.978Z', '2015-10-18T18:10:55.202Z'],
    ['Linux', '2005-06-14T15:16:01.000Z', '2005-07-27T14:42:00.000Z'],
    ['OpenStack', '2017-05-16T00:00:00.008Z', '2017-05-16T00:14:47.687Z'],
    ['Mac', '2017-07-01T09:00:55.000Z', '2017-07-08T08:10:46.000Z'],
    ['Windows', '2016-09-28T04:30:30.000Z', '2016-09-29T02:04:40.000Z'],
    ['Android', '2017-03-17T16:13:38.811Z', '2017-03-17T16:16:09.141Z'],
    ['HealthApp', '2017-12-23T22:15:29.606Z', '2017-12-24T01:02:35.789Z'],
    ['Proxifier', '2016-07-26T13:30:34.000Z', '2016-10-30T21:21:48.000Z'],
  ])('%s spans %s to %s', (name, first, last) => {
    const sample = SAMPLES.find((x) => x.name === name)!;
    const times = sampleLines(name).map((l) => lineTime(sample, l)!);
    expect([iso(Math.min(...times)), iso(Math.max(...times))]).toEqual([first, last]);
  });
});

describe('metrics on known answers', () => {
  it('AUC is 1 for a perfect ordering, 0 reversed, 0.5 for ties', () => {
    expect(rocAuc([3, 4], [1, 2])).toBe(1);
    expect(rocAuc([1, 2], [3, 4])).toBe(0);
    expect(rocAuc([5, 5], [5, 5, 5])).toBe(0.5);
    // One of the four pairs is mis-ordered.
    expect(rocAuc([2, 4], [1, 3])).toBe(0.75);
  });

  it('bootstrap intervals contain the point estimate, repeat for a seed and narrow with more windows', () => {
    const pos = [0.9, 0.7, 0.6, 0.4, 0.85, 0.3];
    const neg = [0.1, 0.5, 0.2, 0.35, 0.05, 0.45, 0.65, 0.15];
    const a = aucInterval(pos, neg, 1000, 7);
    expect(a.lo).toBeLessThanOrEqual(a.auc);
    expect(a.hi).toBeGreaterThanOrEqual(a.auc);
    expect(a.hi - a.lo).toBeGreaterThan(0);
    expect(aucInterval(pos, neg, 1000, 7)).toEqual(a);
    const times = (xs: number[], k: number) => Array.from({ length: k }, () => xs).flat();
    const big = aucInterval(times(pos, 10), times(neg, 10), 1000, 7);
    expect(big.auc).toBeCloseTo(a.auc, 10);
    expect(big.hi - big.lo).toBeLessThan(a.hi - a.lo);
  });

  it('labels windows by half overlap, leaves partial and recovery windows out, keeps benign ones healthy', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const starts = Array.from({ length: 8 }, (_, i) => t0 + i * MIN);
    const truth = windowTruth(starts, MIN, [
      // 1:40 to 4:00: window 1 overlaps 20 s (left out), 2 and 3 are fault windows, 4 is recovery.
      { kind: 'cpu', service: 'a', from: iso(t0 + MIN + 40_000), to: iso(t0 + 4 * MIN) },
      { kind: 'noisy-batch', service: 'a', from: iso(t0 + 6 * MIN), to: iso(t0 + 7 * MIN), benign: true },
    ]);
    expect(truth.map((t) => t.state)).toEqual([
      'healthy',
      'excluded',
      'fault',
      'fault',
      'excluded',
      'healthy',
      'healthy',
      'healthy',
    ]);
    expect(truth[2]!.kinds).toEqual(['cpu']);
    expect(truth[6]!.benign).toEqual(['noisy-batch']);
  });

  it("a fault's cost to the clients: its whole minutes against the healthy minutes before it", () => {
    const t0 = Date.UTC(2026, 0, 1);
    const c = (i: number, p95Ms: number, lost = 0) => ({
      minute: iso(t0 + i * MIN),
      requests: 100,
      status5xx: lost,
      failed: 0,
      dropped: 0,
      p50Ms: 5,
      p95Ms,
      p99Ms: p95Ms,
    });
    const batch = { kind: 'noisy-batch', service: 'a', from: iso(t0 + 2 * MIN), to: iso(t0 + 3 * MIN), benign: true };
    const early = { kind: 'exception', service: 'a', from: iso(t0), to: iso(t0 + MIN) };
    // 5:30 to 8:00: minutes 6 and 7 are whole fault minutes, 5 is partly in it.
    const cpu = { kind: 'cpu', service: 'a', from: iso(t0 + 5.5 * MIN), to: iso(t0 + 8 * MIN) };
    const clients = [
      c(0, 900, 50),
      c(1, 20),
      c(2, 30),
      c(3, 22),
      c(4, 24),
      c(5, 70),
      c(6, 80, 2),
      c(7, 90, 6),
      c(8, 21),
    ];
    // Usual: minutes 2 (benign), 3 and 4 (the fault minute 0 is not healthy); the fault: 6 and 7.
    expect(clientImpact(clients, cpu, [early, batch, cpu])).toEqual({
      usualP95Ms: 24,
      faultP95Ms: 85,
      notServed: 0.04,
      usualNotServed: 0,
    });
  });

  it("what a fault's service's logs showed: the same minutes as the clients'", () => {
    const t0 = Date.UTC(2026, 0, 1);
    const batch = { kind: 'noisy-batch', service: 'a', from: iso(t0 + 2 * MIN), to: iso(t0 + 3 * MIN), benign: true };
    const early = { kind: 'exception', service: 'a', from: iso(t0), to: iso(t0 + MIN) };
    const cpu = { kind: 'cpu', service: 'a', from: iso(t0 + 5.5 * MIN), to: iso(t0 + 8 * MIN) };
    // Minute -> p95, given out of order; minute 3 had no latency readings.
    const p95 = new Map<number, number | null>([
      [t0 + 7 * MIN, 12],
      [t0, 900],
      [t0 + MIN, 10],
      [t0 + 2 * MIN, 11],
      [t0 + 3 * MIN, null],
      [t0 + 4 * MIN, 9],
      [t0 + 5 * MIN, 70],
      [t0 + 6 * MIN, 14],
      [t0 + 8 * MIN, 10],
    ]);
    // Usual: minutes 2, 3 (no reading) and 4; the fault: 6 and 7 (5 is only partly in it).
    expect(logImpact(p95, cpu, [early, batch, cpu])).toEqual({ usualP95Ms: 10, faultP95Ms: 13 });
    expect(logImpact(new Map(), cpu, [cpu])).toEqual({ usualP95Ms: null, faultP95Ms: null });
  });

  it('trivial detectors see only earlier windows', () => {
    const w = (records: number, error: number, severe: string[]) => ({ records, error, fatal: 0, severe });
    const t = trivialScores([w(100, 0, []), w(100, 1, ['db 1 down']), w(300, 10, ['db 2 down', 'disk full'])]);
    expect(t.map((x) => x.newTemplates)).toEqual([0, 1, 1]);
    expect(t.map((x) => x.lineChange)).toEqual([0, 0, 2]);
    expect(t[2]!.errorFraction).toBeCloseTo(10 / 300, 10);
  });
});

describe('replay of the smallest recording through the real backend', () => {
  let worker: RunningWorker;
  let replay: Replayed;
  const rec = smallestRecording();

  beforeAll(async () => {
    worker = await startWorker();
    [replay] = (await replayAll(worker, [{ name: rec.name, dir: rec.dir }])) as [Replayed];
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
  });

  it('scores every window that holds records exactly once, at the ingest minutes of the recording', () => {
    const raw = gunzipSync(readFileSync(join(rec.dir, 'records.ndjson.gz')), {
      finishFlush: constants.Z_SYNC_FLUSH,
    }).toString('utf8');
    // A truncated recording is replayed up to its last whole line.
    const text = raw.slice(0, raw.lastIndexOf('\n') + 1);
    const ats = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (JSON.parse(l) as { at: number }).at);
    const minutes = [...new Set(ats.map((at) => Math.floor(at / MIN) * MIN))].sort((a, b) => a - b);
    expect(replay.windowMs).toBe(MIN);
    expect(replay.records).toBe(ats.length);
    expect(replay.accepted + replay.rejected).toBe(ats.length);
    expect(replay.windows.map((w) => w.start)).toEqual(minutes);
    expect(replay.strayPoints).toEqual([]);
    for (const w of replay.windows) {
      expect({ at: iso(w.start), scored: w.score !== null }).toEqual({ at: iso(w.start), scored: true });
      expect(w.score).toBeGreaterThanOrEqual(0);
      expect(w.fresh).toBeGreaterThanOrEqual(0);
    }
    const counted = replay.windows.reduce((n, w) => n + w.records, 0);
    expect(counted).toBe(replay.accepted);
  });

  it('maps the labelled faults onto the replayed windows by the rule', () => {
    const figures = summarizeSet('test', [{ set: 'test', labelled: true, faults: rec.labels.faults, replay }], 1000, 3);
    const total = figures.falseAlarms.at(-1)!;
    expect(total.windows).toBe(replay.windows.length);
    expect(total.healthy + total.faultWindows + total.excluded).toBe(total.windows);
    for (const f of rec.labels.faults.filter((x) => !x.benign)) {
      const from = Date.parse(f.from);
      const to = Date.parse(f.to);
      const truth = windowTruth(
        replay.windows.map((w) => w.start),
        MIN,
        rec.labels.faults,
      );
      replay.windows.forEach((w, i) => {
        // A window wholly inside the fault is a fault window of its kind.
        if (w.start >= from && w.start + MIN <= to) expect(truth[i]!.kinds).toContain(f.kind);
      });
    }
    for (const k of figures.kinds) {
      if (Number.isNaN(k.score.auc)) continue;
      expect(k.score.lo).toBeLessThanOrEqual(k.score.auc);
      expect(k.score.hi).toBeGreaterThanOrEqual(k.score.auc);
    }
  });

  it("carries each fault's cost to the clients into the detections and their table", () => {
    // A clients' view for every minute of the recording: p95 90 ms inside a fault, 10 ms outside.
    const inFault = (t: number) =>
      rec.labels.faults.some((f) => !f.benign && t >= Date.parse(f.from) && t + MIN <= Date.parse(f.to));
    const first = Math.floor(replay.windows[0]!.start / MIN) * MIN;
    const clients = Array.from({ length: replay.windows.length + 2 }, (_, i) => {
      const t = first + i * MIN;
      const p95Ms = inFault(t) ? 90 : 10;
      return { minute: iso(t), requests: 100, status5xx: 0, failed: 0, dropped: 0, p50Ms: 5, p95Ms, p99Ms: p95Ms };
    });
    // The logs of each fault's service: p95 8 ms outside the faults, 9 ms inside (a trace this small).
    const logP95 = new Map(
      rec.labels.faults.map((f) => [
        f.service,
        new Map(clients.map((c) => [Date.parse(c.minute), c.p95Ms === 90 ? 9 : 8])),
      ]),
    );
    const figures = summarizeSet(
      'test',
      [{ set: 'test', labelled: true, faults: rec.labels.faults, replay, clients, logP95 }],
      1000,
      3,
    );
    const dets = figures.detections;
    expect(dets.length).toBeGreaterThan(0);
    for (const d of dets) expect(d.clients).toMatchObject({ usualP95Ms: 10, faultP95Ms: 90, notServed: 0 });
    for (const d of dets) expect(d.logs).toEqual({ usualP95Ms: 8, faultP95Ms: 9 });
    const table = reportSet(figures).filter((l) => l.startsWith(`| ${replay.name} | `) && l.includes(' -> '));
    expect(table).toHaveLength(dets.length);
    expect(table[0]).toMatch(/\| 8 -> 9 \| 10 -> 90 \| 0\.0% -> 0\.0% \|$/);
  });
});

// The generated set (a small slice of `pnpm eval:scoring --set generated`): it tests the scorer's code
// paths on our own generator's windows, not its quality on real logs.
describe.each([DEFAULT_OPTIONS.seed, 9001])('generated set, seed %i', (seed) => {
  const e = evaluate({ ...DEFAULT_OPTIONS, seed, instances: 1 });

  it('separates incidents from healthy windows: overall AUC >= 0.95', () => {
    expect(e.overall.n).toBeGreaterThan(50);
    expect(e.overall.auc).toBeGreaterThanOrEqual(0.95);
  });

  it('beats the error-fraction baseline on every incident kind', () => {
    for (const k of e.kinds)
      expect({ kind: k.kind, better: k.auc > k.naiveAuc }).toEqual({ kind: k.kind, better: true });
  });

  it('keeps healthy windows, alarming ones included, under 30 (at most 2% false alarms)', () => {
    const healthy = e.rows.filter((r) => !r.incident).length;
    expect(e.falseAlarms).toBeLessThanOrEqual(Math.floor(0.02 * healthy));
  });
});

it('generates the same set for the same seed', () => {
  const a = evaluate({ ...DEFAULT_OPTIONS, instances: 1, perKind: 1 });
  const b = evaluate({ ...DEFAULT_OPTIONS, instances: 1, perKind: 1 });
  expect(a.rows.map((r) => r.score)).toEqual(b.rows.map((r) => r.score));
}, 60_000);
