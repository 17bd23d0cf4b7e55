import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { assertSafeKey, type Bucket } from '../../src/store/bucket/bucket.js';
import { openSql } from '../../src/store/sql/open-sql.js';
import { TEST_JWT_SECRET } from '../support/app.js';

/**
 * Small limits, so generated bodies reach every limit (body, inflated, record, batch) at a few
 * KiB instead of MiB: the same code paths, at a cost that lets 10,000 cases run per target.
 */
export const FUZZ_LIMITS = {
  CLOUDSAGE_MAX_BODY_BYTES: String(64 * 1024),
  CLOUDSAGE_MAX_INFLATED_BYTES: String(256 * 1024),
  CLOUDSAGE_MAX_BATCH_RECORDS: '50',
  CLOUDSAGE_MAX_RECORD_BYTES: String(4 * 1024),
};

/** An in-memory bucket that checks keys as the real drivers do and remembers every key written. */
export class WatchedBucket implements Bucket {
  readonly objects = new Map<string, Uint8Array>();
  readonly written: string[] = [];
  async put(key: string, body: Uint8Array): Promise<void> {
    assertSafeKey(key);
    this.written.push(key);
    // Kept (off the V8 heap, so outside the heap bound) for the read-back check after a run.
    this.objects.set(key, Buffer.from(body));
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key);
  }
  async *list(prefix: string): AsyncIterable<string> {
    for (const key of [...this.objects.keys()].sort()) if (key.startsWith(prefix)) yield key;
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async deletePrefix(prefix: string): Promise<void> {
    for (const key of this.objects.keys()) if (key.startsWith(prefix)) this.objects.delete(key);
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

/** The app under fuzz: injectable, also listening on a real socket. */
export interface FuzzApp {
  app: FastifyInstance;
  url: string;
  bucket: WatchedBucket;
  close(): Promise<void>;
}

/**
 * Builds the app over SQLite (on tmpfs when the machine has one: fsync cost is not what these
 * tests measure) and a watched in-memory bucket, with fuzz-sized limits, no ingest rate limit and
 * decoding on the main thread, and listens on 127.0.0.1:0 for the real-socket samples.
 */
export async function startFuzzApp(env: Record<string, string> = {}): Promise<FuzzApp> {
  const dataDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'cs-fuzz-'));
  const sql = await openSql({ dataDir });
  const bucket = new WatchedBucket();
  const config = loadConfig({
    CLOUDSAGE_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    CLOUDSAGE_INGEST_RATE_PER_MIN: '0',
    CLOUDSAGE_REGISTER_RATE_PER_HOUR: '0',
    CLOUDSAGE_INGEST_WORKERS: '0',
    ...FUZZ_LIMITS,
    ...env,
  });
  const app = await buildApp({ config, sql, bucket, jwtSecret: TEST_JWT_SECRET, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    bucket,
    async close() {
      await app.close();
      await sql.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let gc: (() => void) | undefined;

/** Heap in use after a full collection, in bytes: what a run kept, not what it left for the GC. */
export function settledHeap(): number {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Object.prototype must come out of every run as it went in. */
export function prototypeIsClean(): boolean {
  const probe = {} as Record<string, unknown>;
  return (
    probe.polluted === undefined &&
    probe.isAdmin === undefined &&
    Object.keys(Object.prototype).length === 0 &&
    Object.keys(Array.prototype).length === 0
  );
}

/** A user and a project with an ingest key, made through the API (inject). */
export async function tenant(app: FastifyInstance, scopes: Array<'ingest' | 'read'> = ['ingest', 'read']) {
  const email = `fuzz-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const password = 'correct horse battery staple';
  const reg = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
  if (reg.statusCode !== 201) throw new Error(`register answered ${reg.statusCode}`);
  const token = (reg.cookies.find((c) => c.name === 'cloudsage_session') as { value: string }).value;
  const auth = { authorization: `Bearer ${token}` };
  const project = await app.inject({ method: 'POST', url: '/api/projects', headers: auth, payload: { name: 'fuzz' } });
  const projectId = (project.json() as { id: string }).id;
  const key = await app.inject({
    method: 'POST',
    url: `/api/projects/${projectId}/keys`,
    headers: auth,
    payload: { name: 'fuzz', scopes },
  });
  return { email, password, token, projectId, key: (key.json() as { key: string }).key };
}
