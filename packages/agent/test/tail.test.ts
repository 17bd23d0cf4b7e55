import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpoint } from '../src/checkpoint.js';
import { type AgentProcess, killRunning, startAgent } from './support/agent.js';
import { CountingSink, eventually } from './support/sink.js';

const KEY = 'csk_test_tail';
let sink: CountingSink | undefined;
let agents: AgentProcess[] = [];

afterEach(async () => {
  killRunning(agents);
  agents = [];
  await sink?.stop();
  sink = undefined;
});

function seqCounts(lines: string[], n: number): Uint16Array {
  const counts = new Uint16Array(n);
  for (const l of lines) {
    const m = /seq=(\d+)/.exec(l);
    if (m) counts[Number(m[1])]!++;
  }
  return counts;
}

function ship(dir: string, stateDir: string, extra: string[] = []): AgentProcess {
  const agent = startAgent(
    [
      'ship',
      '--file',
      join(dir, '*.log'),
      '--state-dir',
      stateDir,
      '--poll-interval',
      '10',
      '--rotate-wait',
      '200',
      '--batch-wait',
      '20',
      ...extra,
    ],
    { CLOUDSAGE_ENDPOINT: sink!.url, CLOUDSAGE_API_KEY: KEY },
  );
  agents.push(agent);
  return agent;
}

describe('cloudsage ship --file', () => {
  it('loses and doubles no line through rename rotation and copytruncate during a steady write', async () => {
    sink = new CountingSink({ apiKey: KEY });
    await sink.start();
    const dir = mkdtempSync(join(tmpdir(), 'cs-tail-'));
    const log = join(dir, 'app.log');
    writeFileSync(log, '');
    const agent = ship(dir, join(dir, 'state'));
    // The agent has opened the file (it writes its checkpoint then): only now does the writer start.
    await eventually(() => existsSync(join(dir, 'state', 'checkpoint.json')), 'the agent to open app.log');
    const N = 6000;
    let seq = 0;
    // A steady writer: 30 lines every 2 ms, rotating by rename at 2000 and by copytruncate at 4000
    // (between two writes, as logrotate does while the app keeps its file open in append mode).
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        let chunk = '';
        for (let i = 0; i < 30 && seq < N; i++) chunk += `2026-11-25T10:00:00Z INFO tick seq=${seq++}\n`;
        appendFileSync(log, chunk);
        if (seq === 2010) renameSync(log, join(dir, 'app.log.1'));
        if (seq === 4020) {
          copyFileSync(log, join(dir, 'app.log.2'));
          truncateSync(log, 0);
        }
        if (seq >= N) {
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });
    await eventually(() => sink!.allLines.length >= N, `${N} lines at the sink`);
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    const counts = seqCounts(sink.allLines, N);
    expect({ missing: counts.indexOf(0), doubled: counts.findIndex((c) => c > 1) }).toEqual({
      missing: -1,
      doubled: -1,
    });
    expect(sink.allLines.length).toBe(N);
  });

  it('after SIGKILL and a restart, loses nothing and repeats only the unacknowledged batch under its key', async () => {
    let killNow: (() => void) | undefined;
    sink = new CountingSink({
      apiKey: KEY,
      // The 4th batch reaches the backend, but the agent dies before it sees the answer.
      onBatch: (_b, index) => {
        if (index === 3) {
          killNow?.();
          return 'hold';
        }
        return 'answer';
      },
    });
    await sink.start();
    const dir = mkdtempSync(join(tmpdir(), 'cs-kill-'));
    const N = 20_000;
    let text = '';
    for (let i = 0; i < N; i++)
      text += i % 500 === 1 ? `Error: seq=${i}\n    at main (app.js:1:1)\n` : `INFO seq=${i}\n`;
    writeFileSync(join(dir, 'app.log'), text);
    const state = join(dir, 'state');
    const first = ship(dir, state, ['--from-start', '--batch-size', '500']);
    killNow = () => first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // The batch that never saw its answer is written down, with its key, for the next start.
    const checkpoint = Checkpoint.open(join(state, 'checkpoint.json'), (m) => {
      throw new Error(m);
    });
    const heldKey = sink.batches[3]!.key;
    expect(checkpoint.state.pending.map((p) => p.key)).toContain(heldKey);
    for (const res of sink.held.splice(0)) res.destroy();

    const second = ship(dir, state, ['--batch-size', '500']);
    await eventually(() => seqCounts(sink!.storedLines, N).indexOf(0) === -1, 'every line stored');
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    // Stored (deduplicated by key, as the backend does): every line exactly once.
    const stored = seqCounts(sink.storedLines, N);
    expect({ missing: stored.indexOf(0), doubled: stored.findIndex((c) => c > 1) }).toEqual({
      missing: -1,
      doubled: -1,
    });
    // Sent twice only inside re-sent batches, and always under the key of the first send.
    const repeated = sink.batches.filter((b) => !b.fresh);
    expect(repeated.map((b) => b.key)).toContain(heldKey);
    // (Text lines get a new receive time when re-read, so the batches are compared by their lines' seq.)
    const seqs = (lines: string[]) => lines.map((l) => /seq=(\d+)/.exec(l)?.[1]);
    const firstSends = new Map(sink.batches.filter((b) => b.fresh).map((b) => [b.key, seqs(b.lines)]));
    for (const b of repeated) expect(seqs(b.lines)).toEqual(firstSends.get(b.key));
    const all = seqCounts(sink.allLines, N);
    const repeatedLines = seqCounts(
      repeated.flatMap((b) => b.lines),
      N,
    );
    for (let i = 0; i < N; i++) expect(all[i]! - repeatedLines[i]!).toBe(1);
  });
});
