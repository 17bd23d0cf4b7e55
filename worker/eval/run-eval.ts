/**
 * `pnpm eval:scoring [--set lab|public|generated|all] [--json FILE] [--only NAME,...] [--draws N] [--seed N]
 *   [--recordings DIR] [--instances N] [--verbose]`: `--recordings` is the lab set's folder
 * (worker/eval/lab/recordings by default), `--seed` seeds the bootstrap and the generated set,
 * `--instances` sizes the generated set, `--verbose` prints every window.
 *
 * Replays real recordings through the real backend and worker in time order and reports how well the
 * stored scores tell fault windows from healthy ones, beside trivial detectors computed in the same
 * run on the same windows. See worker/eval/README.md for what is measured and how to read it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { latencyQuantile, logMinutes } from './lab/log-minutes.js';
import { DEFAULT_DRAWS } from './metrics/bootstrap.js';
import { evalWindows, type LabelledReplay, type SetFigures, summarizeSet } from './metrics/summarize.js';
import { replayAll, startWorker } from './replay-client.js';
import { RULES, reportSet, windowLines } from './report.js';
import { type GeneratedFigures, runGenerated } from './sets/generated-set.js';
import { labRecordings, type RecordingRef, readLabels } from './sets/labels.js';
import { SAMPLES, writePublicRecording } from './sets/public-set.js';

const SETS = ['lab', 'public', 'generated'] as const;
const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'all' },
    json: { type: 'string' },
    only: { type: 'string' },
    recordings: { type: 'string' },
    instances: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    draws: { type: 'string' },
    seed: { type: 'string' },
  },
});
const chosen = values.set === 'all' ? [...SETS] : (values.set ?? '').split(',');
for (const s of chosen) {
  if (!(SETS as readonly string[]).includes(s)) {
    process.stderr.write(`unknown set "${s}": use lab, public, generated or all\n`);
    process.exit(2);
  }
}
const only = values.only ? new Set(values.only.split(',')) : undefined;
const draws = Math.max(1000, Number(values.draws ?? DEFAULT_DRAWS));
const seed = Number(values.seed ?? 1);
const instances = values.instances ? Number(values.instances) : undefined;

/** Each service's p95 per arrival minute in a lab recording's logs, for its faults' detections. */
async function logP95(dir: string): Promise<Map<string, Map<number, number | null>>> {
  const out = new Map<string, Map<number, number | null>>();
  for (const [service, minutes] of await logMinutes(dir))
    out.set(service, new Map([...minutes].map(([start, m]) => [start, latencyQuantile(m, 0.95)])));
  return out;
}

const started = performance.now();
const tmp = mkdtempSync(join(tmpdir(), 'cs-public-'));
const print = (lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);
const figures: { sets: SetFigures[]; generated?: GeneratedFigures; seconds?: number; date: string; draws: number } = {
  sets: [],
  date: new Date().toISOString(),
  draws,
};
try {
  const refs: RecordingRef[] = [];
  if (chosen.includes('lab')) {
    const lab = labRecordings(values.recordings, (why) => print([`(set lab: ${why})`, '']));
    if (lab.length === 0) print(['(set lab: no recordings in worker/eval/lab/recordings yet)', '']);
    refs.push(...lab);
  }
  if (chosen.includes('public')) {
    for (const sample of SAMPLES) {
      const dir = writePublicRecording(sample, tmp);
      refs.push({ set: 'public', name: sample.name, dir, labels: readLabels(dir) });
    }
  }
  const picked = only ? refs.filter((r) => only.has(r.name)) : refs;
  print(['## Scoring evaluation', '', ...RULES.map((r) => `> ${r}`), '']);
  if (picked.length > 0) {
    const worker = await startWorker();
    try {
      // The logs' tallies read the recordings in this process while the replay runs in another.
      const logs = new Map(picked.filter((r) => r.set === 'lab').map((r) => [r.name, logP95(r.dir)]));
      const replays = await replayAll(
        worker,
        picked.map((r) => ({ name: r.name, dir: r.dir })),
        (line) => process.stderr.write(`${line}\n`),
      );
      for (const set of ['lab', 'public']) {
        const of: LabelledReplay[] = [];
        for (const [i, r] of picked.entries()) {
          if (r.set !== set) continue;
          of.push({
            set,
            labelled: r.labels.labelled !== false,
            faults: r.labels.faults,
            replay: replays[i]!,
            ...(r.labels.abnormal ? { abnormal: r.labels.abnormal } : {}),
            ...(r.labels.clients ? { clients: r.labels.clients } : {}),
            ...(set === 'lab' ? { logP95: await logs.get(r.name)! } : {}),
          });
        }
        if (of.length === 0) continue;
        const s = summarizeSet(set, of, draws, seed);
        figures.sets.push(s);
        print(reportSet(s));
        if (values.verbose) print(windowLines(evalWindows(of)));
      }
    } finally {
      await worker.close();
    }
  }
  if (chosen.includes('generated')) {
    const g = runGenerated(values.seed ? seed : undefined, instances);
    figures.generated = g.figures;
    print(g.lines);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
figures.seconds = (performance.now() - started) / 1000;
print([`(${figures.seconds.toFixed(1)} s, ${draws} bootstrap draws, seed ${seed})`]);
if (values.json) writeFileSync(values.json, JSON.stringify(figures, null, 2));
