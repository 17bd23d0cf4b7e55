import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from './support/agent.js';
import { CountingSink, eventually } from './support/sink.js';

const KEY = 'csk_test_pipe';
let sink: CountingSink | undefined;

afterEach(async () => {
  await sink?.stop();
  sink = undefined;
});

function ids(lines: string[]): number[] {
  return lines.map((l) => {
    const m = /seq=(\d+)/.exec(l);
    if (!m) throw new Error(`no seq in ${l}`);
    return Number(m[1]);
  });
}

function expectEachOnce(seqs: number[], n: number): void {
  const counts = new Uint8Array(n);
  for (const s of seqs) counts[s]!++;
  const missing = counts.indexOf(0);
  const doubled = counts.findIndex((c) => c > 1);
  expect({ missing, doubled, total: seqs.length }).toEqual({ missing: -1, doubled: -1, total: n });
}

describe('cloudsage ship (standard input)', () => {
  it('ships 100,000 piped lines, every one once, and copies the input to stdout byte for byte', async () => {
    sink = new CountingSink({ apiKey: KEY });
    await sink.start();
    const N = 100_000;
    const parts: string[] = [];
    for (let i = 0; i < N; i++) {
      parts.push(
        i % 2 === 0
          ? `{"level":30,"time":${1_764_000_000_000 + i},"msg":"request seq=${i} done","ms":${i % 97}}\n`
          : `2026-11-25T10:00:00Z INFO job seq=${i} finished in ${i % 13}ms ✓\n`,
      );
    }
    const input = parts.join('');
    const agent = startAgent(['ship', '--batch-wait', '50'], { CLOUDSAGE_ENDPOINT: sink.url, CLOUDSAGE_API_KEY: KEY });
    agent.child.stdin!.end(input);
    const { code } = await agent.exited;
    expect(agent.stderrText()).toBe('');
    expect(code).toBe(0);
    expect(agent.stdoutText()).toBe(input);
    expectEachOnce(ids(sink.allLines), N);
    const text = sink.allLines.find((l) => l.includes('seq=1 '))!;
    expect(JSON.parse(text)).toMatchObject({ level: 'info', time: '2026-11-25T10:00:00.000Z' });
  });

  it('with --on-full wait, pauses the pipe for a slow backend and still ships every line', async () => {
    sink = new CountingSink({ apiKey: KEY, delayMs: 20 });
    await sink.start();
    const N = 20_000;
    const agent = startAgent(
      ['ship', '--quiet', '--on-full', 'wait', '--buffer-records', '1000', '--batch-size', '100'],
      {
        CLOUDSAGE_ENDPOINT: sink.url,
        CLOUDSAGE_API_KEY: KEY,
      },
    );
    agent.child.stdin!.end(Array.from({ length: N }, (_, i) => `INFO slow seq=${i}\n`).join(''));
    expect((await agent.exited).code).toBe(0);
    expectEachOnce(ids(sink.allLines), N);
  });

  it('keeps quiet with --quiet, and --dry-run prints the batches instead of sending them', async () => {
    const agent = startAgent(['ship', '--dry-run', '--quiet', '--batch-wait', '10']);
    agent.child.stdin!.end('one\nError: boom\n    at main (app.js:1:1)\n{"msg":"two"}\n');
    expect((await agent.exited).code).toBe(0);
    const out = agent.stdoutText().trim().split('\n');
    expect(out[0]).toMatch(/^# batch \S+: 3 record\(s\)/);
    expect(out.slice(1).map((l) => JSON.parse(l).msg)).toEqual(['one', 'Error: boom\n    at main (app.js:1:1)', 'two']);
  });

  it('holds lines while the backend is down and delivers them once when it is back', async () => {
    sink = new CountingSink({ apiKey: KEY });
    await sink.start();
    const port = sink.port;
    await sink.stop();
    const agent = startAgent(['ship', '--quiet', '--batch-wait', '20', '--batch-size', '200'], {
      CLOUDSAGE_ENDPOINT: `http://127.0.0.1:${port}`,
      CLOUDSAGE_API_KEY: KEY,
    });
    const N = 2000;
    const lines = Array.from({ length: N }, (_, i) => `WARN disk seq=${i}\n`).join('');
    agent.child.stdin!.write(lines);
    // The agent has tried (and failed) to send before the backend comes back.
    await eventually(() => agent.child.stdin!.writableLength === 0, 'stdin drained');
    await sink.start(port);
    agent.child.stdin!.end();
    expect((await agent.exited).code).toBe(0);
    expectEachOnce(ids(sink.storedLines), N);
  });

  it('spools what the backend did not take before exit, and the next start delivers it once', async () => {
    sink = new CountingSink({ apiKey: KEY });
    await sink.start();
    const port = sink.port;
    await sink.stop();
    const spool = mkdtempSync(join(tmpdir(), 'cs-spool-'));
    const env = { CLOUDSAGE_ENDPOINT: `http://127.0.0.1:${port}`, CLOUDSAGE_API_KEY: KEY, CLOUDSAGE_SPOOL_DIR: spool };
    const N = 3000;
    const first = startAgent(['ship', '--quiet', '--flush-timeout', '300'], env);
    first.child.stdin!.end(Array.from({ length: N }, (_, i) => `ERROR failed seq=${i}\n`).join(''));
    expect((await first.exited).code).toBe(0);
    expect(sink.batches).toHaveLength(0);
    expect(readdirSync(spool).length).toBeGreaterThan(0);

    await sink.start(port);
    const second = startAgent(['ship', '--quiet'], env);
    await eventually(() => sink!.storedLines.length >= N, 'the spooled lines');
    second.child.stdin!.end();
    expect((await second.exited).code).toBe(0);
    expectEachOnce(ids(sink.storedLines), N);
  });

  it('stops with status 2 and names the bad setting and where it came from', async () => {
    const agent = startAgent(['ship', '--batch-size', 'lots'], { CLOUDSAGE_ENDPOINT: 'ftp://x' });
    agent.child.stdin!.end();
    expect((await agent.exited).code).toBe(2);
    expect(agent.stderrText()).toContain('endpoint (from CLOUDSAGE_ENDPOINT): must be an http(s) URL');
    expect(agent.stderrText()).toContain('batchSize (from --batch-size)');
    expect(agent.stderrText()).toContain('apiKey: is required');
  });
});
