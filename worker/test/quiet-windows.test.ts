import { type Baseline, type LogRecord, normalizeLine } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { lineTime, SAMPLES, sampleLines } from '../eval/sets/public-set.js';
import { MAX_QUIET_WINDOWS, silentWindowsBefore, withQuietWindows } from '../src/score/quiet-windows.js';
import { scoreWindow } from '../src/score/score-window.js';
import { healthy, MINUTE, score, T0, warm } from './helpers.js';

const window = (minute: number) => ({
  from: new Date(T0 + minute * MINUTE).toISOString(),
  to: new Date(T0 + (minute + 1) * MINUTE).toISOString(),
});

/** `baseline` as it stands before `w`, after the silent windows between them. */
const folded = (baseline: Baseline, w: { from: string; to: string }) =>
  withQuietWindows(baseline, silentWindowsBefore(baseline, w));

describe('silent windows count as volume 0', () => {
  it('a source that logs in bursts is not called a drop when it goes nearly quiet', () => {
    // loghub's HealthApp sample (a phone app): hundreds of lines in some minutes, none in others. Scored
    // as the dispatcher scores it (only minutes with records, in time order), its first nearly empty
    // minute read as "Volume Drop" 72 against the 213 records/min of the minutes that had records.
    const byMinute = new Map<number, LogRecord[]>();
    const sample = SAMPLES.find((s) => s.name === 'HealthApp')!;
    for (const line of sampleLines('HealthApp')) {
      // Each line at its own time (`20171223-22:15:29:606|...`), as the public set replays it.
      const at = lineTime(sample, line);
      if (at === undefined) continue;
      const r = normalizeLine(line, at);
      if (!r.ok) continue;
      const minute = Math.floor(Date.parse(r.record.time) / MINUTE);
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), r.record]);
    }
    let baseline: Baseline | undefined;
    const scores: number[] = [];
    for (const minute of [...byMinute.keys()].sort((a, b) => a - b).slice(0, 12)) {
      const from = new Date(minute * MINUTE).toISOString();
      const to = new Date((minute + 1) * MINUTE).toISOString();
      const res = scoreWindow({
        projectId: 'p',
        logs: byMinute.get(minute)!,
        metadata: { window: { from, to }, baseline },
      });
      scores.push(res.score);
      baseline = res.baseline;
    }
    expect(scores).toHaveLength(12);
    expect(Math.max(...scores)).toBeLessThan(30);
  });

  it('a steady service after one silent minute still reads a drop as one', () => {
    const steady = warm((i) => healthy({ seed: i + 1 }));
    // 30 windows (minutes 0-29), minute 30 silent, minute 31 a tenth of the usual.
    const r = score(healthy({ seed: 10, n: 50 }), steady, 31);
    expect(r.labels).toContain('Volume Drop');
    expect(r.score).toBeGreaterThanOrEqual(60);
  });

  it('folds a 0 for each silent window of a short silence, none for a long one', () => {
    const steady = warm((i) => healthy({ seed: i + 1 }));
    const before = steady.signals['volumePerMin']!;
    expect(folded(steady, window(30))).toBe(steady);
    const short = folded(steady, window(30 + MAX_QUIET_WINDOWS))!.signals['volumePerMin']!;
    expect(short.n).toBe(before.n + MAX_QUIET_WINDOWS);
    expect(short.center).toBeLessThan(before.center);
    // A night, a paused job, an outage: an off period, not the source's usual variation.
    expect(folded(steady, window(31 + MAX_QUIET_WINDOWS))).toBe(steady);
    // The baseline it was given is not changed.
    expect(steady.signals['volumePerMin']).toBe(before);
  });

  it('a steady service back from an outage at a tenth of its rate reads a drop', () => {
    const steady = warm((i) => healthy({ seed: i + 1 }));
    const r = score(healthy({ seed: 11, n: 50 }), steady, 30 + 15);
    expect(r.labels).toContain('Volume Drop');
    expect(r.score).toBeGreaterThanOrEqual(60);
  });

  describe('a source back from silence part-way through a window', () => {
    const steady = warm((i) => healthy({ seed: i + 1 }));
    // Silent from minute 30 to 35; it starts again 45 s into minute 36.
    const resumed = (n: number) =>
      healthy({ seed: 12, n }).map((r, i) => ({ ...r, time: new Date(T0 + 45_000 + (i * 15_000) / n).toISOString() }));

    it('is judged on the part it sent: its usual rate for 15 s is no drop, and is not learned', () => {
      const r = score(resumed(125), steady, 36);
      expect(r.labels).not.toContain('Volume Drop');
      expect(r.score).toBeLessThan(30);
      expect(r.signals['volumePerMin']).toBeGreaterThan(450);
      expect(r.baseline!.signals['volumePerMin']).toEqual(steady.signals['volumePerMin']);
    });

    it('still reads a drop when the part it sent is a fraction of its rate', () => {
      const r = score(resumed(10), steady, 36);
      expect(r.labels).toContain('Volume Drop');
    });
  });
});
