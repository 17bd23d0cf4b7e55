/**
 * `pnpm eval:scoring`: scores the generated evaluation set and prints ROC AUC per incident kind and
 * overall, next to the trivial baseline "fraction of error lines" computed in the same run.
 * Options: `--seed N`, `--instances N`, `--verbose` (per-case scores and labels).
 */
import { parseArgs } from 'node:util';
import { scoreWindow } from '../src/score/score-window.js';
import { rocAuc } from './auc.js';
import { DEFAULT_OPTIONS, dataset } from './dataset.js';
import { INCIDENT_KINDS } from './incidents.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    instances: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const options = {
  ...DEFAULT_OPTIONS,
  seed: values.seed ? Number(values.seed) : DEFAULT_OPTIONS.seed,
  instances: values.instances ? Number(values.instances) : DEFAULT_OPTIONS.instances,
};

interface Row {
  kind: string;
  profile: string;
  incident: boolean;
  score: number;
  naive: number;
  labels: string[];
}
const rows: Row[] = [];
const started = performance.now();
let records = 0;
for (const c of dataset(options)) {
  const res = scoreWindow(
    { projectId: c.profile, logs: c.logs, metadata: { window: { from: c.from, to: c.to }, baseline: c.baseline } },
    { skipBaseline: true },
  );
  let errors = 0;
  for (const r of c.logs) if (r.level === 'error' || r.level === 'fatal') errors++;
  records += c.logs.length;
  rows.push({
    kind: c.kind,
    profile: c.profile,
    incident: c.incident,
    score: res.score,
    naive: errors / Math.max(1, c.logs.length),
    labels: res.labels,
  });
  if (values.verbose) {
    console.log(
      `${c.profile.padEnd(13)} ${c.kind.padEnd(15)} ${res.score.toFixed(1).padStart(5)}  ${res.labels.join(', ')}`,
    );
  }
}

const negatives = rows.filter((r) => !r.incident);
const fmt = (x: number) => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));
const line = (name: string, pos: Row[]) => {
  const ours = rocAuc(
    pos.map((r) => r.score),
    negatives.map((r) => r.score),
  );
  const naive = rocAuc(
    pos.map((r) => r.naive),
    negatives.map((r) => r.naive),
  );
  const detected = pos.filter((r) => r.score >= 30).length;
  console.log(
    `| ${name.padEnd(15)} | ${String(pos.length).padStart(4)} | ${fmt(ours)} | ${fmt(naive)} | ${String(detected).padStart(4)}/${pos.length} |`,
  );
};
console.log(
  `seed ${options.seed}: ${rows.length} held-out windows (${negatives.length} healthy), ${records.toLocaleString('en-US')} records`,
);
console.log('| kind            |    n | AUC   | error-fraction AUC | score >= 30 |');
console.log('|-----------------|------|-------|-------|-----------|');
for (const kind of INCIDENT_KINDS)
  line(
    kind,
    rows.filter((r) => r.kind === kind),
  );
line(
  'overall',
  rows.filter((r) => r.incident),
);
const falseAlarms = negatives.filter((r) => r.score >= 30);
console.log(`healthy windows scoring >= 30: ${falseAlarms.length} of ${negatives.length}`);
for (const variant of ['normal', 'traffic-peak', 'rolling-deploy']) {
  const v = negatives.filter((r) => r.kind === variant).map((r) => r.score);
  const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  console.log(`  ${variant}: mean score ${mean.toFixed(1)}, max ${Math.max(...v).toFixed(1)}`);
}
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s including warm-up)`);
