import { appendFileSync, existsSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentProcess, startAgent } from './support/agent.js';
import { CountingSink, eventually } from './support/sink.js';

let sink: CountingSink | undefined;
let agent: AgentProcess | undefined;

afterEach(async () => {
  if (agent && agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
  await sink?.stop();
});

const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `INFO signal seq=${from + i}\n`).join('');

describe('signals', () => {
  it('SIGUSR1 prints a status line, SIGHUP reopens moved files, SIGTERM flushes and exits 0', async () => {
    sink = new CountingSink();
    await sink.start();
    const dir = mkdtempSync(join(tmpdir(), 'cs-sig-'));
    const log = join(dir, 'app.log');
    writeFileSync(log, '');
    agent = startAgent(
      [
        'ship',
        '--file',
        join(dir, '*.log'),
        '--state-dir',
        join(dir, 'state'),
        '--stats',
        // Long enough that only SIGUSR1 and the exit print status lines in this test.
        '--stats-interval',
        '3600000',
        '--batch-wait',
        '20',
        '--poll-interval',
        '20',
        '--rotate-wait',
        '600000',
      ],
      { CLOUDSAGE_ENDPOINT: sink.url, CLOUDSAGE_API_KEY: 'csk_sig' },
    );
    await eventually(() => existsSync(join(dir, 'state', 'checkpoint.json')), 'the agent to open app.log');
    appendFileSync(log, lines(0, 10));
    await eventually(() => sink!.allLines.length === 10, 'the first lines');

    agent.child.kill('SIGUSR1');
    await eventually(() => /cloudsage: read 10 sent 10 dropped 0/.test(agent!.stderrText()), 'a status line');

    // Moved away: the writer still appends to the old file, and a new app.log appears. The rotate wait
    // is ten minutes, so only SIGHUP can make the agent let go of the old file.
    renameSync(log, join(dir, 'app.log.old'));
    appendFileSync(join(dir, 'app.log.old'), lines(10, 5));
    writeFileSync(log, lines(15, 5));
    agent.child.kill('SIGHUP');
    await eventually(() => sink!.allLines.length === 20, 'the lines of both files');
    // Only the new app.log is open now (without SIGHUP the old one would stay open for ten minutes).
    agent.child.kill('SIGUSR1');
    await eventually(() => /read 20 sent 20 dropped 0 .* files 1 /.test(agent!.stderrText()), 'files 1');

    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    expect(agent.stderrText()).toMatch(/cloudsage: read 20 sent 20 dropped 0 spooled 0 pending 0 lag 0\.0s files 0/);
    const seqs = sink.allLines.map((l) => Number(/seq=(\d+)/.exec(l)![1])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
