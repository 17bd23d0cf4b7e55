import { gunzipSync } from 'node:zlib';
import { ErrorBody, IngestResponse, LogRecord } from '@cloudsage/schema';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzApp, startFuzzApp, tenant } from './fuzz-app.js';
import { describeReport, fuzz, RUNS, SOCKET_RUNS } from './fuzz-runner.js';
import {
  deepRecord,
  encode,
  headerValue,
  hostileKey,
  hostileString,
  jsonText,
  mutate,
  mutation,
  recordText,
  wire,
} from './hostile.js';

const FORM_TYPES = {
  ndjson: ['application/x-ndjson', 'application/ndjson', 'application/jsonl'],
  'json-array': ['application/json', 'application/vnd.example+json'],
  envelope: ['application/json'],
  text: ['text/plain', 'text/plain; charset=utf-8'],
} as const;

/** Where a value names the project: the caller's own, or something hostile. */
const projectRef = fc.option(fc.oneof(fc.constant('own'), headerValue), { freq: 3 });

const ingestCase = fc.record({
  form: fc.constantFrom('ndjson', 'json-array', 'envelope', 'text') as fc.Arbitrary<keyof typeof FORM_TYPES>,
  records: fc.array(recordText, { maxLength: 12 }),
  deep: fc.option(fc.tuple(deepRecord, fc.double({ min: 0, max: 1, noNaN: true })), { freq: 12 }),
  lines: fc.array(hostileString, { maxLength: 12 }),
  separator: fc.constantFrom('\n', '\r\n', '\n\n'),
  envelopeProject: fc.oneof(
    fc.constant('own'),
    hostileString.map((s) => JSON.stringify(s)),
    jsonText,
  ),
  envelopeExtra: fc.array(fc.tuple(hostileKey, jsonText), { maxLength: 2 }),
  mutation,
  wire,
  contentType: fc.oneof(
    { weight: 8, arbitrary: fc.nat({ max: 1 }).map((i) => ({ match: i })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            '',
            'application/json; charset=utf-16',
            'multipart/form-data; boundary=x',
            'application/x-www-form-urlencoded',
            'TEXT/PLAIN',
            'application/octet-stream',
          ),
          headerValue,
        )
        .map((given) => ({ given })),
    },
  ),
  auth: fc.constantFrom('key', 'key', 'key', 'key', 'key', 'key', 'x-cloudsage-key', 'user', 'none', 'garbage'),
  projectQuery: projectRef,
  projectHeader: projectRef,
  idempotencyKey: fc.option(fc.oneof(headerValue, fc.uuid()), { freq: 3 }),
  dropped: fc.option(
    fc.oneof(fc.constantFrom('overflow=5', 'overflow=-1,oversize=NaN', 'before_send=1e99', '=,=,'), headerValue),
    { freq: 4 },
  ),
});
type IngestCase = typeof ingestCase extends fc.Arbitrary<infer T> ? T : never;

const ALLOWED = new Set([202, 400, 401, 404, 413, 415]);

/** An app under fuzz, its tenant, and the records each acknowledged batch holds. */
interface Target {
  f: FuzzApp;
  own: Awaited<ReturnType<typeof tenant>>;
  acceptedByBatch: Map<string, number>;
}

async function target(env: Record<string, string> = {}): Promise<Target> {
  const f = await startFuzzApp(env);
  return { f, own: await tenant(f.app), acceptedByBatch: new Map() };
}

describe('fuzzing POST /api/ingest (every body form, gzip or not, hostile headers)', () => {
  let bulk: Target;
  let socket: Target;

  beforeAll(async () => {
    bulk = await target();
    // The socket sample goes through the ingest worker pool, as production does by default.
    socket = await target({ CLOUDSAGE_INGEST_WORKERS: '1' });
  });
  afterAll(async () => {
    await bulk?.f.close();
    await socket?.f.close();
  });

  /** The request a case describes: method, url, headers, body bytes. */
  function requestOf(c: IngestCase, { own }: Target) {
    const ref = (v: string | null) => (v === null ? undefined : v === 'own' ? own.projectId : v);
    const records = [...c.records];
    if (c.deep !== null) records.splice(Math.floor(records.length * c.deep[1]), 0, c.deep[0]);
    let text: string;
    if (c.form === 'ndjson') text = records.join(c.separator);
    else if (c.form === 'json-array') text = `[${records.join(',')}]`;
    else if (c.form === 'text') text = [...c.lines, ...(c.deep === null ? [] : [c.deep[0]])].join(c.separator);
    else {
      const project = c.envelopeProject === 'own' ? JSON.stringify(own.projectId) : c.envelopeProject;
      const extra = c.envelopeExtra.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('');
      text = `{"projectId":${project},"logs":[${records.join(',')}]${extra}}`;
    }
    const body = encode(mutate(Buffer.from(text), c.mutation), c.wire);
    const headers: Record<string, string> = {};
    const types = FORM_TYPES[c.form];
    headers['content-type'] = 'match' in c.contentType ? (types[c.contentType.match] ?? types[0]) : c.contentType.given;
    if (c.wire.header !== undefined) headers['content-encoding'] = c.wire.header;
    if (c.auth === 'key') headers.authorization = `Bearer ${own.key}`;
    if (c.auth === 'x-cloudsage-key') headers['x-cloudsage-key'] = own.key;
    if (c.auth === 'user') headers.authorization = `Bearer ${own.token}`;
    if (c.auth === 'garbage') headers.authorization = `Bearer csk_${'A'.repeat(43)}`;
    const header = ref(c.projectHeader);
    if (header !== undefined) headers['x-cloudsage-project'] = header;
    if (c.idempotencyKey !== null) headers['idempotency-key'] = c.idempotencyKey;
    if (c.dropped !== null) headers['x-cloudsage-dropped'] = c.dropped;
    const query = ref(c.projectQuery);
    const url = query === undefined ? '/api/ingest' : `/api/ingest?projectId=${encodeURIComponent(query)}`;
    return { url, headers, body };
  }

  function checkAnswer({ acceptedByBatch }: Target, status: number, text: string): void {
    expect(ALLOWED.has(status), `status ${status}: ${text.slice(0, 300)}`).toBe(true);
    const parsed = JSON.parse(text);
    if (status === 202) {
      const body = IngestResponse.parse(parsed);
      expect(body.accepted + body.rejected).toBeLessThanOrEqual(50);
      // A replayed Idempotency-Key answers the first body again: keyed by batch, counted once.
      acceptedByBatch.set(body.batchId, body.accepted);
    } else {
      expect(ErrorBody.safeParse(parsed).success, text.slice(0, 300)).toBe(true);
    }
  }

  it(`answers ${RUNS} generated requests (inject) with 2xx or 4xx only, in bounded memory`, async () => {
    const report = await fuzz(ingestCase, async (c) => {
      const { url, headers, body } = requestOf(c, bulk);
      const res = await bulk.f.app.inject({ method: 'POST', url, headers, payload: body });
      checkAnswer(bulk, res.statusCode, res.body);
      return res.statusCode;
    });
    console.log(describeReport('POST /api/ingest (inject)', report));
    // The generator must reach each outcome, or the run proves less than it claims.
    for (const status of [202, 400, 401, 404, 413, 415]) expect(report.statuses[status] ?? 0).toBeGreaterThan(0);
    expect((await bulk.f.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 300_000);

  it(`answers ${SOCKET_RUNS} generated requests over a real socket the same way`, async () => {
    const report = await fuzz(
      ingestCase,
      async (c) => {
        const { url, headers, body } = requestOf(c, socket);
        const res = await fetch(`${socket.f.url}${url}`, { method: 'POST', headers, body });
        checkAnswer(socket, res.status, await res.text());
        return res.status;
      },
      SOCKET_RUNS,
    );
    console.log(describeReport('POST /api/ingest (socket)', report));
  }, 120_000);

  it('wrote every batch object under the caller project, at a key made only of our own parts', () => {
    for (const { f, own } of [bulk, socket]) {
      const pattern = new RegExp(`^logs/${own.projectId}/\\d{4}-\\d{2}-\\d{2}/\\d{2}/[A-Za-z0-9_-]+\\.ndjson\\.gz$`);
      expect(f.bucket.written.filter((key) => !pattern.test(key))).toEqual([]);
    }
    expect(bulk.f.bucket.written.length).toBeGreaterThan(RUNS / 50);
    expect(socket.f.bucket.written.length).toBeGreaterThan(0);
  });

  it.each([
    ['inject', () => bulk],
    ['socket, worker pool', () => socket],
  ])('stored exactly the acknowledged records, each a valid LogRecord line (%s)', (_name, which) => {
    const { f, acceptedByBatch } = which();
    let lines = 0;
    const invalid: string[] = [];
    for (const body of f.bucket.objects.values()) {
      for (const line of gunzipSync(body).toString('utf8').split('\n')) {
        if (!line) continue;
        lines++;
        let ok = false;
        try {
          ok = LogRecord.safeParse(JSON.parse(line)).success;
        } catch {
          // Not JSON: invalid.
        }
        if (!ok) invalid.push(line.slice(0, 200));
      }
    }
    expect(invalid).toEqual([]);
    expect(lines).toBe([...acceptedByBatch.values()].reduce((a, b) => a + b, 0));
    expect(lines).toBeGreaterThan(0);
  });
});
