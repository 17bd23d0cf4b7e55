// The SDK outside Node: the built `edge` entry loads no Node built-in, and logs reach the real backend
// from workerd (through miniflare, bundled as wrangler bundles a Worker), Deno and Bun, each resolving
// `@cloudsage/node` by its own export conditions. Runs the BUILT package, as users get it.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from './helpers/backend.js';

const run = promisify(execFile);
const pkg = fileURLToPath(new URL('..', import.meta.url));
const dist = join(pkg, 'dist');
const bin = (name: string) => join(pkg, 'node_modules', '.bin', name);
const SHIP = fileURLToPath(new URL('./fixtures/ship-from-runtime.mjs', import.meta.url));
const WORKER = fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url));

let backend: TestBackend;
let apiKey: string;

beforeAll(async () => {
  if (!existsSync(join(dist, 'edge.js')))
    throw new Error('build @cloudsage/node first: pnpm --dir packages/node build');
  backend = await startTestBackend();
  apiKey = await backend.key(['ingest']);
});
afterAll(async () => {
  await backend?.close();
});

/** The `i` of the records a runtime stored, once `count` arrived (or what did after 20 s). */
async function storedFrom(runtime: string, count: number): Promise<number[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = (await backend.logs())
      .filter((r) => r.attributes?.runtime === runtime)
      .map((r) => r.attributes?.i as number)
      .sort((a, b) => a - b);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The bundler writes `node:zlib` as `zlib`: both spellings count.
const isBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s);

/** Every module the built file imports, followed through the package's own chunks. */
function importsOf(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1]!);
  return specifiers.flatMap((s) => (s.startsWith('.') ? importsOf(join(dirname(file), s), seen) : [s]));
}

describe('the edge entry', () => {
  it('imports no Node built-in and no undici, through any chunk', () => {
    const imports = importsOf(join(dist, 'edge.js'));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((s) => isBuiltin(s) || s === 'undici')).toEqual([]);
    // The Node entry does load them: the check reads what it should.
    expect(importsOf(join(dist, 'index.js')).filter(isBuiltin)).toContain('zlib');
  });

  it('exports a subset of the Node entry, by the same names', async () => {
    const edge = await import(join(dist, 'edge.js'));
    const node = await import(join(dist, 'index.js'));
    expect(Object.keys(edge).filter((k) => !(k in node))).toEqual([]);
    expect(Object.keys(edge)).toContain('CloudSage');
  });
});

// Each case starts a runtime (and workerd compiles a bundle): seconds, more on a loaded machine.
describe('shipping to the real backend', { timeout: 60_000 }, () => {
  it('from a Cloudflare Worker in workerd (miniflare), with ctx.waitUntil(client.flush())', async () => {
    // As wrangler bundles a Worker: the workerd conditions pick the edge entry, and a Node built-in
    // anywhere in the graph would fail the build on the neutral platform.
    const out = await build({
      entryPoints: [WORKER],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      write: false,
      logLevel: 'silent',
    });
    const mf = new Miniflare({
      modules: true,
      script: out.outputFiles[0]!.text,
      compatibilityDate: '2026-04-01',
      bindings: { CLOUDSAGE_ENDPOINT: backend.url, CLOUDSAGE_API_KEY: apiKey },
    });
    try {
      for (const count of [5, 3]) {
        const res = await mf.dispatchFetch(`http://localhost/checkout?count=${count}`);
        expect(await res.text()).toBe('ok');
      }
      // Two requests, each flushing its own records inside its waitUntil.
      expect(await storedFrom('workerd', 8)).toEqual([0, 0, 1, 1, 2, 2, 3, 4]);
    } finally {
      await mf.dispose();
    }
  });

  it('from Deno, which takes the edge entry by its deno condition', async () => {
    const { stdout } = await run(bin('deno'), ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', SHIP], {
      env: { ...process.env, ENDPOINT: backend.url, API_KEY: apiKey, COUNT: '20', RUNTIME: 'deno', NO_COLOR: '1' },
      cwd: pkg,
    });
    expect(JSON.parse(stdout)).toEqual({ entry: 'edge', result: { sent: 20, dropped: 0, pending: 0 } });
    expect(await storedFrom('deno', 20)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('from Bun, which takes the Node entry (its node: modules, Bun’s own fetch)', async () => {
    const { stdout } = await run(bin('bun'), [SHIP], {
      env: { ...process.env, ENDPOINT: backend.url, API_KEY: apiKey, COUNT: '20', RUNTIME: 'bun' },
      cwd: pkg,
    });
    expect(JSON.parse(stdout)).toEqual({ entry: 'node', result: { sent: 20, dropped: 0, pending: 0 } });
    expect(await storedFrom('bun', 20)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
