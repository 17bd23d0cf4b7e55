/**
 * Runs the backend's replay (backend/eval/replay/cli.ts) as a child process, against a scoring
 * worker this process starts from the worker's build (worker/dist/app.js). Backend and worker stay
 * apart as in production: they meet over HTTP only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Replayed } from './metrics/summarize.js';

const here = dirname(fileURLToPath(import.meta.url));
const WORKER_APP = join(here, '..', 'dist', 'app.js');
const BACKEND_DIR = join(here, '..', '..', 'backend');

/** The worker's `build` as its build exports it. */
interface WorkerModule {
  build(
    config: Record<string, unknown>,
    options?: { logger?: boolean },
  ): Promise<{ listen(o: { port: number; host: string }): Promise<string>; close(): Promise<void> }>;
}

/** A running worker. */
export interface RunningWorker {
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

/**
 * Starts the built worker in this process on a free port.
 *
 * @example
 * const worker = await startWorker();
 * await worker.close();
 */
export async function startWorker(): Promise<RunningWorker> {
  if (!existsSync(WORKER_APP)) throw new Error('worker/dist/app.js is missing: run `pnpm --dir worker build` first');
  const { build } = (await import(pathToFileURL(WORKER_APP).href)) as WorkerModule;
  const apiKey = randomBytes(24).toString('hex');
  const app = await build(
    {
      port: 0,
      host: '127.0.0.1',
      apiKey,
      logLevel: 'silent',
      maxBodyBytes: 64 * 1024 * 1024,
      maxRecords: 200_000,
      shutdownTimeoutMs: 5_000,
    },
    { logger: false },
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, apiKey, close: () => app.close() };
}

/** A recording folder to replay, under a name. */
export interface ReplayInput {
  name: string;
  dir: string;
}

/**
 * Replays the recordings in `parallel` backend child processes (a fresh backend per recording) and
 * answers their results in the order given. Recordings are dealt to the children largest first, so
 * they finish about together. The children's progress lines go to `onProgress`.
 */
export async function replayAll(
  worker: RunningWorker,
  inputs: readonly ReplayInput[],
  onProgress: (line: string) => void = () => {},
  parallel = 2,
): Promise<Replayed[]> {
  if (inputs.length === 0) return [];
  const size = (i: ReplayInput) => statSync(join(i.dir, 'records.ndjson.gz')).size;
  const order = inputs.map((input, index) => ({ input, index, bytes: size(input) })).sort((a, b) => b.bytes - a.bytes);
  const groups: { items: typeof order; bytes: number }[] = Array.from(
    { length: Math.max(1, Math.min(parallel, inputs.length)) },
    () => ({ items: [], bytes: 0 }),
  );
  for (const o of order) {
    const lightest = groups.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lightest.items.push(o);
    lightest.bytes += o.bytes;
  }
  const results: Replayed[] = new Array(inputs.length);
  await Promise.all(
    groups.map(async (g) => {
      const got = await replayInChild(
        worker,
        g.items.map((o) => o.input),
        onProgress,
      );
      g.items.forEach((o, k) => {
        results[o.index] = got[k]!;
      });
    }),
  );
  return results;
}

/** One backend child replaying `inputs` in turn. */
async function replayInChild(
  worker: RunningWorker,
  inputs: readonly ReplayInput[],
  onProgress: (line: string) => void,
): Promise<Replayed[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'cs-eval-'));
  const out = join(tmp, 'replay.json');
  try {
    const args = [
      '--import',
      'tsx',
      'eval/replay/cli.ts',
      '--worker-url',
      worker.url,
      '--worker-key',
      worker.apiKey,
      '--out',
      out,
      ...inputs.map((i) => `${i.name}=${i.dir}`),
    ];
    const child = spawn(process.execPath, args, { cwd: BACKEND_DIR, stdio: ['ignore', 'inherit', 'pipe'] });
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      for (const line of chunk.split('\n')) if (line.startsWith('replayed ')) onProgress(line);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`the backend replay exited with ${code}:\n${tail}`);
    return JSON.parse(readFileSync(out, 'utf8')) as Replayed[];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
