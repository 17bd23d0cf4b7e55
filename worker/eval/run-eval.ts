/**
 * `pnpm eval:scoring`: scores the generated evaluation set and prints ROC AUC per incident kind and
 * overall, next to the trivial baseline "fraction of error lines" computed in the same run.
 * Options: `--seed N`, `--instances N`, `--verbose` (per-case scores and labels).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS } from './dataset.js';
import { evaluate, type KindResult } from './evaluate.js';

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

const started = performance.now();
const e = evaluate(options, (r) => {
  if (values.verbose) {
    console.log(
      `${r.profile.padEnd(13)} ${r.kind.padEnd(15)} ${r.score.toFixed(1).padStart(5)}  ${r.labels.join(', ')}`,
    );
  }
});
const fmt = (x: number) => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));
const line = (k: KindResult) =>
  console.log(
    `| ${k.kind.padEnd(15)} | ${String(k.n).padStart(4)} | ${fmt(k.auc)} | ${fmt(k.naiveAuc).padEnd(18)} ` +
      `| ${`${k.detected}/${k.n}`.padStart(11)} |`,
  );
const healthyCount = e.rows.filter((r) => !r.incident).length;
console.log(
  `seed ${options.seed}: ${e.rows.length} held-out windows (${healthyCount} healthy), ${e.records.toLocaleString('en-US')} records`,
);
console.log('| kind            |    n | AUC   | error-fraction AUC | score >= 30 |');
console.log('|-----------------|------|-------|--------------------|-------------|');
for (const k of e.kinds) line(k);
line(e.overall);
console.log(`healthy windows scoring >= 30: ${e.falseAlarms} of ${healthyCount}`);
for (const h of e.healthy) console.log(`  ${h.variant}: mean score ${h.mean.toFixed(1)}, max ${h.max.toFixed(1)}`);
const worse = e.kinds.filter((k) => !(k.auc > k.naiveAuc)).map((k) => k.kind);
console.log(
  `target: overall AUC >= 0.95 (${e.overall.auc >= 0.95 ? 'met' : 'MISSED'}), above the baseline for every kind ` +
    `(${worse.length === 0 ? 'met' : `MISSED: ${worse.join(', ')}`})`,
);
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s including warm-up)`);
