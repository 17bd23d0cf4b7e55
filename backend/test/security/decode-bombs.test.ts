import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildBackend, startChildBackend } from '../durability/child-backend.js';
import { createTenant, type Tenant } from '../ingest/ingest-fixture.js';

/*
 * Issue #22 parts (a) and (b): bodies of a few KB that decode into millions of elements. Each is
 * sent to a backend child process whose heap is capped at 256 MB, and must be refused with a 4xx
 * while the process grows by less than 100 MB and another tenant's ordinary ingest is served.
 * Time to answer is printed, not asserted.
 */

const HEAP_MB = 256;
const MAX_GROWTH_BYTES = 100 * 1024 * 1024;

function repeat(head: string, unit: Buffer | string, count: number, tail: string): Buffer {
  const u = typeof unit === 'string' ? Buffer.from(unit) : unit;
  const h = Buffer.from(head);
  const t = Buffer.from(tail);
  const out = Buffer.allocUnsafe(h.length + u.length * count + t.length);
  h.copy(out, 0);
  out.fill(u, h.length, h.length + u.length * count);
  t.copy(out, h.length + u.length * count);
  return out;
}

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) * 1024;
}

interface Bomb {
  name: string;
  path: '/api/ingest' | '/v1/logs';
  type: string;
  body: () => Buffer;
  /** An over-long NDJSON line is one record, read field by field and cut (issue #18): 202, bounded. */
  stored?: true;
}

// protobuf: ExportLogsServiceRequest.resourceLogs (field 1) empty = 0a 00; a LogRecord's attributes (field 6) = 32 00.
const protoLen = (tag: number, body: Buffer): Buffer => {
  const len: number[] = [];
  let n = body.length;
  while (n >= 0x80) {
    len.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  len.push(n);
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
};

const BOMBS: Bomb[] = [
  {
    name: '26M empty ResourceLogs (protobuf)',
    path: '/v1/logs',
    type: 'application/x-protobuf',
    body: () => repeat('', Buffer.from([0x0a, 0x00]), 26_000_000, ''),
  },
  {
    name: '20M empty ResourceLogs (JSON)',
    path: '/v1/logs',
    type: 'application/json',
    body: () => repeat('{"resourceLogs":[', '{},', 20_000_000, '{}]}'),
  },
  {
    name: 'OTLP/JSON nested 1.5M deep',
    path: '/v1/logs',
    type: 'application/json',
    body: () => repeat('{"resourceLogs":', '[', 1_500_000, `${']'.repeat(1_500_000)}}`),
  },
  {
    name: '17M-element JSON array',
    path: '/api/ingest',
    type: 'application/json',
    body: () => repeat('[', '{},', 17_000_000, '{}]'),
  },
  {
    name: 'JSON array nested 1.5M deep',
    path: '/api/ingest',
    type: 'application/json',
    body: () => repeat('', '[', 1_500_000, ']'.repeat(1_500_000)),
  },
  {
    name: 'one record with 5M attributes (protobuf)',
    path: '/v1/logs',
    type: 'application/x-protobuf',
    body: () => {
      const record = repeat('', Buffer.from([0x32, 0x00]), 5_000_000, '');
      return protoLen(0x0a, protoLen(0x12, protoLen(0x12, record)));
    },
  },
  {
    name: 'an envelope record with a 10M-item array field',
    path: '/api/ingest',
    type: 'application/json',
    body: () => repeat('{"logs":[{"msg":"x","tags":[', '0,', 10_000_000, '0]}]}'),
  },
  {
    name: 'NDJSON lines of arrays, 10M items in all',
    path: '/api/ingest',
    type: 'application/x-ndjson',
    body: () => repeat('', `{"msg":"x","tags":[${'0,'.repeat(999)}0]}\n`, 10_000, ''),
  },
  {
    name: 'an NDJSON line nested 1.5M deep',
    path: '/api/ingest',
    type: 'application/x-ndjson',
    body: () => repeat('{"msg":"x","a":', '[', 1_500_000, `${']'.repeat(1_500_000)}}\n`),
    stored: true,
  },
];

describe('decode bombs against a child backend with a 256 MB heap', () => {
  let child: ChildBackend;
  let dataDir: string;
  let attacker: Tenant;
  let victim: Tenant;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cs-bombs-'));
    child = await startChildBackend(
      { CLOUDSAGE_DATA_DIR: dataDir, CLOUDSAGE_INGEST_WORKERS: '2', CLOUDSAGE_REGISTER_RATE_PER_HOUR: '0' },
      [`--max-old-space-size=${HEAP_MB}`],
    );
    attacker = await createTenant(child.url);
    victim = await createTenant(child.url);
  }, 60_000);
  afterAll(async () => {
    await child?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ordinary = async (): Promise<number> => {
    const body = Array.from({ length: 50 }, (_, i) => JSON.stringify({ level: 30, msg: `ok ${i}` })).join('\n');
    const res = await request(`${child.url}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'x-cloudsage-key': victim.key },
      body,
    });
    await res.body.dump();
    return res.statusCode;
  };

  it('a warm-up batch on each route is served (both worker pools started before any baseline)', async () => {
    expect(await ordinary()).toBe(202);
    const otlp = await request(`${child.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${victim.key}` },
      body: Buffer.alloc(0),
    });
    await otlp.body.dump();
    expect(otlp.statusCode).toBe(200);
  });

  for (const bomb of BOMBS) {
    it(`${bomb.name}: ${bomb.stored ? '202' : '4xx'}, RSS growth under 100 MB, another tenant served`, async () => {
      const pid = child.process.pid as number;
      const gz = gzipSync(bomb.body(), { level: 9 });
      const before = rssOf(pid);
      let peak = before;
      const poll = setInterval(() => {
        peak = Math.max(peak, rssOf(pid));
      }, 10);
      const started = performance.now();
      try {
        const attack = request(`${child.url}${bomb.path}`, {
          method: 'POST',
          headers: {
            'content-type': bomb.type,
            'content-encoding': 'gzip',
            authorization: `Bearer ${attacker.key}`,
          },
          body: gz,
        }).then(async (res) => {
          await res.body.dump();
          return { status: res.statusCode, ms: performance.now() - started };
        });
        const served = await ordinary();
        const answer = await attack;
        peak = Math.max(peak, rssOf(pid));
        console.info(
          `${bomb.name}: ${gz.length} B gzip -> ${answer.status} in ${answer.ms.toFixed(0)} ms, RSS +${((peak - before) / 1048576).toFixed(1)} MB`,
        );
        if (bomb.stored) expect(answer.status).toBe(202);
        else {
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
        }
        expect(served).toBe(202);
        expect(peak - before).toBeLessThan(MAX_GROWTH_BYTES);
        expect(child.process.exitCode).toBeNull();
      } finally {
        clearInterval(poll);
      }
    }, 60_000);
  }
});
