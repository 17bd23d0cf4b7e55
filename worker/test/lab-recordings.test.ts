import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../eval/lab/faults.js';
import { decodeRecords, Recorder } from '../eval/lab/recorder.js';

const recordingsDir = join(import.meta.dirname, '..', 'eval', 'lab', 'recordings');
const names = existsSync(recordingsDir)
  ? readdirSync(recordingsDir).filter((n) => existsSync(join(recordingsDir, n, 'labels.json')))
  : [];

interface Line {
  at: number;
  record: unknown;
}

function readRecording(name: string): { lines: Line[]; labels: any } {
  const dir = join(recordingsDir, name);
  const text = gunzipSync(readFileSync(join(dir, 'records.ndjson.gz')), { finishFlush: 2 }).toString('utf8');
  const lines = text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
  return { lines, labels: JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) };
}

describe('committed lab recordings', () => {
  it('exist and stay under 24 MiB together', () => {
    expect(names.length).toBeGreaterThan(0);
    const bytes = names.reduce((s, n) => s + statSync(join(recordingsDir, n, 'records.ndjson.gz')).size, 0);
    // Fourteen recordings are 20.3 MiB (most ~1.5 MB each): room for two or three more held-out ones;
    // past that, thin the oldest rather than grow the repository further.
    expect(bytes).toBeLessThan(24 * 1024 * 1024);
  });

  for (const name of names) {
    it(`${name}: parses, labels lie within the span, every fault interval has records`, () => {
      const { lines, labels } = readRecording(name);
      expect(lines.length).toBeGreaterThan(100);
      // One expect over all lines: 80,000 separate expects would take seconds.
      let prev = 0;
      const bad = lines.filter((l) => {
        const ok = typeof l.at === 'number' && l.at >= prev && l.record !== undefined && l.record !== null;
        prev = typeof l.at === 'number' ? l.at : prev;
        return !ok; // arrival order, a time and a record on every line
      });
      expect(bad.slice(0, 3)).toEqual([]);
      expect(labels.name).toBe(name);
      expect(Array.isArray(labels.services) && labels.services.length).toBeGreaterThan(0);
      const start = Date.parse(labels.startedAt);
      const end = Date.parse(labels.endedAt);
      expect(start).toBeLessThan(end);
      expect(labels.faults.length).toBeGreaterThan(0);
      for (const f of labels.faults) {
        expect(FAULT_KINDS).toContain(f.kind);
        expect(labels.services).toContain(f.service);
        const from = Date.parse(f.from);
        const to = Date.parse(f.to);
        expect(from).toBeGreaterThanOrEqual(start);
        expect(to).toBeLessThanOrEqual(end);
        expect(to - from).toBeGreaterThan(30_000);
        const inside = lines.filter((l) => l.at >= from && l.at <= to).length;
        expect(inside, `${f.kind} ${f.from}..${f.to}`).toBeGreaterThan(0);
      }
      // Records before the first fault exist too: the healthy baseline.
      expect(lines.filter((l) => l.at < Date.parse(labels.faults[0].from)).length).toBeGreaterThan(0);
    }, 30_000);
  }
});

describe('recorder', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('decodes arrays, envelopes, single objects and NDJSON like the ingest route', () => {
    expect(decodeRecords('[{"msg":"a"},{"msg":"b"}]', 'application/json')).toEqual([{ msg: 'a' }, { msg: 'b' }]);
    expect(decodeRecords('{"logs":[{"msg":"a"}]}', 'application/json')).toEqual([{ msg: 'a' }]);
    expect(decodeRecords('{"msg":"a"}', 'application/json')).toEqual([{ msg: 'a' }]);
    expect(decodeRecords('{"msg":"a"}\nplain text\n', 'application/x-ndjson')).toEqual([{ msg: 'a' }, 'plain text']);
  });

  it('answers 202 to a gzip NDJSON batch and stores each record with its arrival time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-rec-'));
    dirs.push(dir);
    const rec = new Recorder(join(dir, 'r.ndjson.gz'));
    const endpoint = await rec.start();
    const t0 = Date.now();
    const res = await fetch(`${endpoint}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      body: gzipSync('{"msg":"one"}\n{"msg":"two"}\n'),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: 0, errors: [] });
    expect((await fetch(`${endpoint}/nope`, { method: 'POST' })).status).toBe(404);
    await rec.stop();
    const lines = gunzipSync(readFileSync(join(dir, 'r.ndjson.gz')))
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.record)).toEqual([{ msg: 'one' }, { msg: 'two' }]);
    expect(lines[0].at).toBeGreaterThanOrEqual(t0);
  });

  it('stores what a real @cloudsage/pino transport ships', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-rec-'));
    dirs.push(dir);
    const rec = new Recorder(join(dir, 'r.ndjson.gz'));
    const endpoint = await rec.start();
    const target = createRequire(import.meta.url).resolve('@cloudsage/pino');
    const transport = pino.transport({
      target,
      options: { endpoint, apiKey: 'csk_test_recorder', service: 'lab-test', batch: { maxWaitMs: 100 } },
    });
    // `service` in the line itself: the transport's fast path ships lines as written (its `service` option is not added).
    const logger = pino({ base: { pid: 1, service: 'lab-test' } }, transport);
    logger.info({ orderId: 7 }, 'order placed');
    logger.error({ err: new Error('connect ECONNREFUSED 127.0.0.1:5432') }, 'query failed');
    // The transport ships on its own timer (maxWaitMs): wait for the batch rather than for a shutdown.
    const until = Date.now() + 20_000;
    while (rec.records < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    transport.end();
    await rec.stop();
    const lines = gunzipSync(readFileSync(join(dir, 'r.ndjson.gz')))
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const records = lines.map((l) => (typeof l.record === 'string' ? JSON.parse(l.record) : l.record));
    expect(records.map((r) => r.msg)).toEqual(['order placed', 'query failed']);
    expect(records[0]).toMatchObject({ level: 30, orderId: 7, service: 'lab-test' });
    expect(records[1].err.message).toContain('ECONNREFUSED');
  }, 30_000);
});
