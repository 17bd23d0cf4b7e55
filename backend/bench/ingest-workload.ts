import { gzipSync } from 'node:zlib';
import { normalizeRecord } from '@cloudsage/schema';

/*
 * Realistic ingest bodies: what pino-http and an app's own pino/winston calls write, as the SDK
 * ships them (gzip NDJSON, 1,000 records a batch).
 */

const ROUTES = ['/api/orders', '/api/orders/:id', '/api/cart', '/api/users/me', '/healthz', '/api/search'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const HOSTS = ['web-1', 'web-2', 'web-3', 'worker-1'];

// mulberry32, so every run posts the same bytes.
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function record(random: () => number, time: number, i: number): Record<string, unknown> {
  const r = random();
  const hostname = pick(random, HOSTS);
  if (r < 0.75) {
    const status = random() < 0.97 ? 200 : 404;
    return {
      level: 30,
      time,
      pid: 4121,
      hostname,
      reqId: `req-${i.toString(36)}`,
      req: { method: pick(random, METHODS), url: pick(random, ROUTES), remoteAddress: '10.0.3.17' },
      res: { statusCode: status },
      responseTime: Math.round(random() * 250),
      msg: 'request completed',
    };
  }
  if (r < 0.9) {
    return {
      level: 'debug',
      message: `cache ${random() < 0.5 ? 'hit' : 'miss'} for key user:${Math.floor(random() * 10_000)}`,
      timestamp: new Date(time).toISOString(),
      service: 'api',
    };
  }
  if (r < 0.97) {
    return {
      level: 40,
      time,
      pid: 4121,
      hostname,
      msg: `slow query on orders took ${Math.round(500 + random() * 2000)} ms`,
      query: 'select * from orders where user_id = $1',
      duration: Math.round(500 + random() * 2000),
    };
  }
  return {
    level: 50,
    time,
    pid: 4121,
    hostname,
    msg: 'payment provider timeout',
    err: {
      type: 'Error',
      message: 'connect ETIMEDOUT 10.0.9.4:443',
      stack:
        'Error: connect ETIMEDOUT 10.0.9.4:443\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n    at PaymentClient.charge (/app/src/payments.js:88:11)',
      code: 'ETIMEDOUT',
    },
    orderId: Math.floor(random() * 1e6),
  };
}

/**
 * What the bodies hold: `raw`, logger lines as written (the backend normalizes each); `stored`, the
 * same records already normalized, as a normalizing producer ships them (the agent's text path, a
 * forwarder), which ingest keeps as they came.
 */
export type WorkloadShape = 'raw' | 'stored';

/** A set of gzip NDJSON bodies and what they hold. */
export interface Workload {
  bodies: Buffer[];
  recordsPerBody: number;
  rawBytesPerBody: number;
}

/**
 * Builds `count` distinct bodies of `recordsPerBody` records, timed around `now`.
 *
 * @example
 * const { bodies } = buildWorkload(16, 1000, Date.now());
 */
export function buildWorkload(
  count: number,
  recordsPerBody: number,
  now: number,
  shape: WorkloadShape = 'raw',
): Workload {
  const random = seeded(20261125);
  const bodies: Buffer[] = [];
  let raw = 0;
  for (let b = 0; b < count; b++) {
    const lines: string[] = [];
    for (let i = 0; i < recordsPerBody; i++) {
      const r = record(random, now - (recordsPerBody - i) * 3, b * recordsPerBody + i);
      const normalized = shape === 'stored' ? normalizeRecord(r, now) : undefined;
      lines.push(JSON.stringify(normalized?.ok ? normalized.record : r));
    }
    const text = `${lines.join('\n')}\n`;
    raw += Buffer.byteLength(text);
    bodies.push(gzipSync(text));
  }
  return { bodies, recordsPerBody, rawBytesPerBody: Math.round(raw / count) };
}
