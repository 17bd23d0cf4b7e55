import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentProcess, killRunning, startAgent } from './support/agent.js';
import { CountingSink, eventually, type SinkOptions } from './support/sink.js';

let sink: CountingSink | undefined;
let agent: AgentProcess | undefined;

afterEach(async () => {
  if (agent) killRunning([agent]);
  await sink?.stop();
  sink = undefined;
});

const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `ERROR keep-going seq=${from + i}\n`).join('');

describe('cloudsage ship --file --keep-going', () => {
  it('keeps running while the key is refused, probing, and sends the whole backlog once it is taken', async () => {
    // The backend takes another key than the agent's until the test changes it (the key is fixed).
    const options: SinkOptions = { apiKey: 'csk_other' };
    sink = new CountingSink(options);
    await sink.start();
    const dir = mkdtempSync(join(tmpdir(), 'cs-keep-'));
    const log = join(dir, 'app.log');
    writeFileSync(log, lines(0, 500));
    const state = join(dir, 'state');
    agent = startAgent(
      [
        'ship',
        '--file',
        join(dir, '*.log'),
        '--state-dir',
        state,
        '--from-start',
        '--keep-going',
        '--reprobe-interval',
        '200',
        '--poll-interval',
        '20',
        '--batch-wait',
        '20',
        '--batch-size',
        '100',
      ],
      { CLOUDSAGE_ENDPOINT: sink.url, CLOUDSAGE_API_KEY: 'csk_agent', CLOUDSAGE_LOG_LEVEL: 'info' },
    );
    await eventually(() => agent!.stderrText().includes('"code":"ingest_unauthorized"'), 'the refusal reported');
    expect(agent.stderrText()).toContain('--keep-going');
    // More lines arrive while refused; probes go on (every 200 ms) and the agent does not exit.
    appendFileSync(log, lines(500, 300));
    await new Promise((r) => setTimeout(r, 1000));
    expect(agent.child.exitCode).toBeNull();
    expect(sink.batches).toHaveLength(0);
    const checkpoint = JSON.parse(readFileSync(join(state, 'checkpoint.json'), 'utf8'));
    expect(Object.values(checkpoint.files).map((f) => (f as { offset: number }).offset)).toEqual([0]);

    options.apiKey = 'csk_agent';
    await eventually(() => sink!.storedLines.length >= 800, 'the backlog');
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    const counts = new Uint8Array(800);
    for (const l of sink.storedLines) counts[Number(/seq=(\d+)/.exec(l)![1])]!++;
    expect({
      stored: sink.storedLines.length,
      missing: counts.indexOf(0),
      doubled: counts.findIndex((c) => c > 1),
    }).toEqual({ stored: 800, missing: -1, doubled: -1 });
    expect(agent.stderrText()).toContain('the backend takes the batches again: sending the backlog');
  });
});
