import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeSegment } from '../src/spool/segment-codec.js';
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

async function runApp(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [app], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, out, err };
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

describe('spool across process restarts', () => {
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

    // Run 3: the backend is up. The spool is re-sent, then the new records.
    sink = new CountingSink();
    await sink.start(port);
    const third = await runApp({ ...env, FROM: '700', COUNT: '300', MODE: 'natural' });
    expect(third.err).toBe('');
    expect(third.code).toBe(0);
    expect(third.out).not.toContain('onError');

    const ids = [...sink.ids].sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // Each spooled batch went out once, under the key it was first sent with.
    for (const key of afterSecond.keys) expect(sink.keys.filter((k) => k === key)).toHaveLength(1);
    expect(readdirSync(dir).filter((n) => !n.startsWith('.'))).toEqual([]);
  });
});
