import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyDropCounts } from '@cloudsage/schema';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment } from '../src/spool/segment-codec.js';
import { eventually, startServer } from './helpers/ingest-server.js';
import { CountingSink } from './spool-sink.js';

// These tests run the BUILT package (`pnpm --dir packages/node build` first), as users get it.
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const app = fileURLToPath(new URL('./fixtures/spool-app.mjs', import.meta.url));

let sink: CountingSink | undefined;
let dir: string;

beforeAll(() => {
  if (!existsSync(dist)) throw new Error('build @cloudsage/node first: pnpm --dir packages/node build');
});
afterEach(async () => {
  await sink?.close();
  sink = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function runApp(
  env: Record<string, string>,
  whileRunning?: (child: ChildProcess, out: () => string) => Promise<void>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  const child = spawn(process.execPath, [app], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  await whileRunning?.(child, () => out);
  const [code, signal] = await exited;
  return { code, signal, out, err };
}

/** The Idempotency-Keys of the segments in the spool, and how many records they hold. */
function spooled(): { keys: string[]; records: number } {
  const keys: string[] = [];
  let records = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.seg'))) {
    const decoded = decodeSegment(readFileSync(join(dir, name)));
    if (!decoded.ok) throw new Error(`unreadable segment ${name}: ${decoded.reason}`);
    keys.push(decoded.batch.idempotencyKey);
    records += decoded.batch.lines.length;
  }
  return { keys, records };
}

// Each case starts three app processes: seconds apiece on a loaded 2-core machine.
describe('spool across process restarts', { timeout: 30_000 }, () => {
  it('backend down, app exits (naturally, then hard), backend up, app starts again: every record arrives exactly once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cs-spool-'));
    const port = await CountingSink.freePort();
    const env = { ENDPOINT: `http://127.0.0.1:${port}`, SPOOL_DIR: dir };

    // Run 1: the backend is down; the exit hook's flush runs out of retry budget and spools.
    const first = await runApp({ ...env, FROM: '0', COUNT: '450', MODE: 'natural' });
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).not.toContain('onError batch_failed');
    const afterFirst = spooled();
    expect(afterFirst.records).toBe(450);

    // Run 2: still down, and the app exits before anything could be tried.
    const second = await runApp({ ...env, FROM: '450', COUNT: '250', MODE: 'hard' });
    expect(second.code).toBe(0);
    const afterSecond = spooled();
    expect(afterSecond.records).toBe(700);

    // A segment damaged on disk (cut short) is skipped and reported, and stops nothing.
    const [oldest] = readdirSync(dir)
      .filter((n) => n.endsWith('.seg'))
      .sort() as [string];
    const corrupt = oldest.replace(/-\d{6}\.seg$/, '-999999.seg');
    const bytes = encodeSegment({
      idempotencyKey: 'damaged',
      spooledAt: 0,
      lines: ['{"i":-1}'],
      dropped: emptyDropCounts(),
    });
    writeFileSync(join(dir, corrupt), bytes.subarray(0, bytes.length - 3));

    // Run 3: the backend is up. The spool is re-sent, then the new records.
    sink = new CountingSink();
    await sink.start(port);
    const third = await runApp({ ...env, FROM: '700', COUNT: '300', MODE: 'natural' });
    // The damaged segment is said once, as a process warning (loss is never quiet); nothing else is.
    expect(third.err.match(/\[CLOUDSAGE_\w+\]/g)).toEqual(['[CLOUDSAGE_SPOOL_CORRUPT]']);
    expect(third.code).toBe(0);
    expect(third.out.match(/onError \w+/g)).toEqual(['onError spool_corrupt']);
    expect(third.out).toContain(corrupt);

    const ids = [...sink.ids].sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // Each spooled batch went out once, under the key it was first sent with.
    for (const key of afterSecond.keys) expect(sink.keys.filter((k) => k === key)).toHaveLength(1);
    expect(readdirSync(dir).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('SIGTERM while the backend hangs: what is in flight or buffered is spooled before the signal exit, and sent once at the next start', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cs-spool-'));
    const hanging = await startServer(() => ({ hang: true }));
    try {
      const first = await runApp(
        { ENDPOINT: hanging.url, SPOOL_DIR: dir, FROM: '0', COUNT: '350', MODE: 'wait', EXIT_TIMEOUT_MS: '300' },
        async (child, out) => {
          await eventually(() => out().includes('logged=350') && hanging.batches.length >= 2, 'requests in flight');
          child.kill('SIGTERM');
        },
      );
      // No handler of the app's own: the signal was re-raised after the spill, so the exit looks the same.
      expect(first.signal).toBe('SIGTERM');
      expect(first.err).toBe('');
      expect(spooled().records).toBe(350);
    } finally {
      await hanging.close();
    }

    const port = await CountingSink.freePort();
    sink = new CountingSink();
    await sink.start(port);
    const second = await runApp({
      ENDPOINT: `http://127.0.0.1:${port}`,
      SPOOL_DIR: dir,
      FROM: '0',
      COUNT: '0',
      MODE: 'natural',
    });
    expect(second.code).toBe(0);
    expect(second.out).not.toContain('onError');
    expect([...sink.ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 350 }, (_, i) => i));
    expect(readdirSync(dir)).toEqual([]);
  });
});
