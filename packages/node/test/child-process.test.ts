import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startServer } from './helpers/ingest-server.js';

// These tests run the BUILT package (`pnpm --dir packages/node build` first), as users get it.
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;

beforeAll(() => {
  if (!existsSync(dist)) throw new Error('build @cloudsage/node first: pnpm --dir packages/node build');
});
afterEach(async () => {
  await server?.close();
});

function run(name: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [fixture(name)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, out: () => stdout, err: () => stderr };
}

function received(): number[] {
  return server.batches.flatMap((b) => b.records.map((r) => r.i as number));
}

function lastLogged(stdout: string): number {
  const all = [...stdout.matchAll(/logged=(\d+)/g)];
  return Number(all.at(-1)?.[1] ?? -1);
}

function sigterm(child: ChildProcess) {
  child.kill('SIGTERM');
}

describe('exit behaviour of a real process', () => {
  it('ships all 10,000 records when the app exits without calling flush', async () => {
    server = await startServer();
    const p = run('exit-without-flush.mjs', { ENDPOINT: server.url, RECORDS: '10000' });
    const { code } = await p.exited;
    expect(p.err()).toBe('');
    expect(code).toBe(0);
    const got = received();
    expect(got).toHaveLength(10_000);
    expect(new Set(got).size).toBe(10_000);
  });

  it("SIGTERM mid-burst: every record logged before the signal arrives, and the app's own handler runs", async () => {
    server = await startServer();
    const p = run('sigterm-burst.mjs', { ENDPOINT: server.url, APP_HANDLER: '1' });
    await eventually(() => lastLogged(p.out()) >= 2000, 'a few bursts');
    sigterm(p.child);
    const { code, signal } = await p.exited;
    expect(p.err()).toBe('');
    const match = /app-handler logged=(\d+)/.exec(p.out());
    expect(match).not.toBeNull();
    const n = Number(match![1]);
    const got = received().sort((a, b) => a - b);
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
    // The app's handler did not exit; the process ended by itself once the flush was done.
    expect([code, signal]).toEqual([0, null]);
  });

  it('SIGTERM with no app handler: flushes, then re-raises so the default exit still happens', async () => {
    server = await startServer();
    const p = run('sigterm-burst.mjs', { ENDPOINT: server.url });
    await eventually(() => lastLogged(p.out()) >= 2000, 'a few bursts');
    const loggedBeforeSignal = lastLogged(p.out());
    sigterm(p.child);
    const { signal } = await p.exited;
    expect(p.err()).toBe('');
    expect(signal).toBe('SIGTERM');
    // Everything logged before the signal arrived is a gap-free prefix of what the server received.
    const got = received().sort((a, b) => a - b);
    expect(got.length).toBeGreaterThanOrEqual(loggedBeforeSignal);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i));
  });
});
