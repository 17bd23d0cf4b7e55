/**
 * `node --import tsx eval/replay/cli.ts --worker-url U --worker-key K --out F <name>=<dir> ...`:
 * replays each recording folder through the real backend (see replay.ts) against the given worker,
 * one fresh backend per recording, and writes every ReplayResult as JSON to F. The worker's
 * `pnpm eval:scoring` runs this as a child process (backend and worker stay apart) and computes
 * the metrics from its output.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadRecording } from './recording.js';
import { type ReplayResult, replayRecording } from './replay.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'worker-url': { type: 'string' },
    'worker-key': { type: 'string' },
    out: { type: 'string' },
  },
});
const url = values['worker-url'];
const apiKey = values['worker-key'];
const out = values.out;
if (!url || !apiKey || !out || positionals.length === 0) {
  process.stderr.write('usage: cli.ts --worker-url U --worker-key K --out FILE name=dir [name=dir ...]\n');
  process.exit(2);
}
const results: ReplayResult[] = [];
for (const arg of positionals) {
  const eq = arg.indexOf('=');
  const name = eq > 0 ? arg.slice(0, eq) : arg;
  const dir = eq > 0 ? arg.slice(eq + 1) : arg;
  const recording = loadRecording(dir, name);
  const r = await replayRecording(recording, { url, apiKey });
  process.stderr.write(
    `replayed ${name}: ${r.records} records in ${r.requests} requests, ${r.windows.length} windows, ${r.seconds.toFixed(1)} s\n`,
  );
  results.push(r);
}
writeFileSync(out, JSON.stringify(results));
