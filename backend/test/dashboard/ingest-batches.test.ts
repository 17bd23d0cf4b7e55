import { type IngestResponse, LIMITS } from '@cloudsage/schema';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchBody,
  type IngestBatch,
  JsonBatcher,
  LineBatcher,
  type LineBatcherOptions,
  utf8Length,
} from '../../dashboard/src/lib/ingest-batches.js';
import { CONTENT_TYPE } from '../../dashboard/src/lib/ingest-body.js';
import { INGEST_LIMITS, MAX_UPLOAD_BYTES } from '../../dashboard/src/lib/ingest-limits.js';
import { classifyIngestFailure } from '../../dashboard/src/lib/ingest-retry.js';
import { type SendBatch, uploadBatches } from '../../dashboard/src/lib/ingest-send.js';
import { batchesOf, sampleOf, textSlices } from '../../dashboard/src/lib/ingest-source.js';
import { IngestTally } from '../../dashboard/src/lib/ingest-tally.js';
import { createTenant, type Tenant } from '../ingest/ingest-fixture.js';
import { startTestApp, type TestApp } from '../support/app.js';

// The dashboard's paste-and-upload splitter and sender (issue #19 item 6), run in Node: batches
// under both limits with every line's original number, and the sender against a scripted server
// and against the real ingest route.

function split(text: string, o: Partial<LineBatcherOptions> = {}, sliceChars = 7) {
  const b = new LineBatcher({ form: 'text', maxRecords: 1000, maxBytes: 1 << 20, ...o });
  for (let i = 0; i < text.length; i += sliceChars) b.push(text.slice(i, i + sliceChars));
  b.end();
  return { batches: b.take(), rejections: b.rejections, lines: b.lines };
}

const enc = (s: string) => Buffer.byteLength(s, 'utf8');

describe('ingest limits', () => {
  it('mirror the schema LIMITS the server enforces by default', () => {
    expect(INGEST_LIMITS.maxBatchRecords).toBe(LIMITS.maxBatchRecords);
    expect(INGEST_LIMITS.maxBodyBytes).toBe(LIMITS.maxBodyBytes);
    expect(INGEST_LIMITS.maxReportedErrors).toBe(LIMITS.maxReportedErrors);
    expect(MAX_UPLOAD_BYTES).toBe(LIMITS.maxInflatedBytes);
  });
});

describe('utf8Length', () => {
  it('counts what TextEncoder writes, lone surrogates as U+FFFD', () => {
    expect(utf8Length('aé€😀')).toBe(1 + 2 + 3 + 4);
    expect(utf8Length('\ud800x')).toBe(3 + 1);
    expect(utf8Length('x\udc00')).toBe(1 + 3);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
      }),
    );
  });
});

describe('LineBatcher', () => {
  it('cuts at the record limit and carries each line’s number in the original text', () => {
    const text = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`).join('\n');
    const { batches, lines } = split(text, { maxRecords: 10 });
    expect(batches.map((b) => b.items.length)).toEqual([10, 10, 5]);
    expect(batches[2]?.numbers).toEqual([21, 22, 23, 24, 25]);
    expect(batches[2]?.items[0]).toBe('line 21');
    expect(lines).toBe(25);
  });

  it('cuts under the byte limit, counting multibyte characters and the joining newlines', () => {
    // Each line is 3 + 4 = 7 bytes (€ is 3, 😀 is 4) but 3 UTF-16 units; with its newline, 8.
    const text = Array.from({ length: 10 }, () => '€😀').join('\n');
    const { batches } = split(text, { maxBytes: 7 * 3 + 2 });
    expect(batches.map((b) => b.items.length)).toEqual([3, 3, 3, 1]);
    for (const b of batches) {
      expect(b.bytes).toBe(enc(batchBody(b)));
      expect(b.bytes).toBeLessThanOrEqual(23);
    }
    // One byte less and only two lines fit.
    expect(split(text, { maxBytes: 22 }).batches[0]?.items.length).toBe(2);
  });

  it('drops CRs before newlines, skips blank lines as the server does, and adds no line for a trailing newline', () => {
    const text = 'a\r\n\r\n  \t\r\nb\r\n\u00a0\nc\n';
    const { batches, lines } = split(text, {}, 1);
    expect(batches).toHaveLength(1);
    // A no-break space is not blank to the server (it skips space, tab and CR only).
    expect(batches[0]?.items).toEqual(['a', 'b', '\u00a0', 'c']);
    expect(batches[0]?.numbers).toEqual([1, 4, 5, 6]);
    expect(lines).toBe(4);
    expect(split('x\n').lines).toBe(1);
    expect(split('x').batches[0]?.items).toEqual(['x']);
  });

  it('refuses a line longer than a request may be, by its line number, and sends its neighbours', () => {
    const long = 'x'.repeat(100);
    const { batches, rejections, lines } = split(`first\n${long}\nlast\n`, { maxBytes: 50 }, 9);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]?.number).toBe(2);
    expect(rejections[0]?.reason).toMatch(/100 bytes; a request holds at most 50 bytes/);
    // What is shown of it is its start.
    const shown = rejections[0]?.text ?? '';
    expect(shown.length).toBeGreaterThanOrEqual(50);
    expect(long.startsWith(shown)).toBe(true);
    expect(batches.flatMap((b) => b.items)).toEqual(['first', 'last']);
    expect(batches.flatMap((b) => b.numbers)).toEqual([1, 3]);
    expect(lines).toBe(3);
    // Exactly the limit fits; a CR does not count against it.
    expect(split(`${'y'.repeat(50)}\r\n`, { maxBytes: 50 }).rejections).toEqual([]);
  });

  it('holds a chosen NDJSON body to one JSON object a line', () => {
    const text = '{"msg":"ok"}\ngarbage\n[1,2]\n{"msg":\n\n{}';
    const { batches, rejections } = split(text, { form: 'ndjson', strictNdjson: true });
    expect(rejections.map((r) => [r.number, r.reason.split(' (')[0]])).toEqual([
      [2, 'not valid JSON'],
      [3, 'not a JSON object'],
      [4, 'not valid JSON'],
    ]);
    // `{}` is a JSON object: the server refuses it, with its own reason.
    expect(batches[0]?.numbers).toEqual([1, 6]);
    expect(split(text, { form: 'ndjson' }).rejections).toEqual([]);
  });

  it('gives the same batches however the text is sliced', () => {
    const line = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('', ' ', '\r', '{"a":1}'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.integer({ min: 1, max: 30 }), (parts, slice) => {
        const text = parts.join('\n');
        const whole = split(text, { maxRecords: 4, maxBytes: 24 }, text.length + 1);
        const sliced = split(text, { maxRecords: 4, maxBytes: 24 }, slice);
        expect(sliced).toEqual(whole);
        for (const b of whole.batches) {
          expect(b.items.length).toBeLessThanOrEqual(4);
          expect(b.bytes).toBe(enc(batchBody(b)));
          expect(b.bytes).toBeLessThanOrEqual(24);
        }
        // Every non-blank line is sent or refused, once.
        const sent = whole.batches.reduce((n, b) => n + b.items.length, 0);
        expect(sent + whole.rejections.length).toBe(whole.lines);
      }),
    );
  });
});

describe('JsonBatcher', () => {
  it('cuts JSON arrays under both limits, numbering records from 1', () => {
    const b = new JsonBatcher({ maxRecords: 2, maxBytes: 40 });
    for (const v of [{ m: 'a' }, { m: 'é' }, { m: 'x'.repeat(50) }, { m: 'c' }, { m: 'd' }, { m: 'e' }]) b.add(v);
    b.end();
    const batches = b.take();
    expect(batches.map((x) => x.numbers)).toEqual([[1, 2], [4, 5], [6]]);
    for (const x of batches) expect(x.bytes).toBe(enc(batchBody(x)));
    expect(JSON.parse(batchBody(batches[0] as IngestBatch))).toEqual([{ m: 'a' }, { m: 'é' }]);
    expect(b.rejections.map((r) => r.number)).toEqual([3]);
  });
});

describe('IngestTally', () => {
  const batch = (numbers: number[]): IngestBatch => ({
    form: 'text',
    items: numbers.map((n) => `item ${n}`),
    numbers,
    bytes: 0,
    inputBytes: 0,
  });

  it('maps the server’s batch index to the original line, and tells notes on kept records apart', () => {
    const tally = new IngestTally(100);
    tally.refused([{ number: 2, reason: 'not valid JSON' }]);
    tally.answered(batch([1, 5, 9]), {
      batchId: 'b',
      accepted: 2,
      rejected: 1,
      errors: [
        { index: 2, message: 'record has no message and no fields' },
        {
          index: 0,
          message: 'figure_out_of_range: responseTime -1 is negative; left out of the metrics, the record is kept',
        },
      ],
    });
    const t = tally.totals();
    expect(t.problems.map((p) => [p.number, p.kept])).toEqual([
      [1, true],
      [2, false],
      [9, false],
    ]);
    expect(t.problems[2]?.text).toBe('item 9');
    expect([t.accepted, t.rejected, t.unlisted]).toEqual([2, 2, 0]);
  });

  it('lists the first problems by line however many there are, and counts the rest', () => {
    const tally = new IngestTally(3);
    // Answers arrive out of order when two requests are in flight.
    tally.answered(batch([10, 11, 12, 13]), {
      batchId: 'b2',
      accepted: 0,
      rejected: 4,
      errors: [0, 1, 2, 3].map((index) => ({ index, message: 'bad' })),
    });
    tally.answered(batch([1, 2, 3, 4, 5, 6]), {
      batchId: 'b1',
      accepted: 0,
      rejected: 6,
      // The server lists only the first few reasons a batch.
      errors: [0, 1].map((index) => ({ index, message: 'bad' })),
    });
    const t = tally.totals();
    expect(t.problems.map((p) => p.number)).toEqual([1, 2, 10]);
    expect(t.rejected).toBe(10);
    expect(t.unlisted).toBe(7);
  });
});

describe('uploadBatches against a scripted server', () => {
  const ok = (b: IngestBatch): IngestResponse => ({ batchId: 'b', accepted: b.items.length, rejected: 0, errors: [] });
  const apiError = (status: number, message: string, retryAfterMs?: number) =>
    Object.assign(new Error(message), { status, code: `http_${status}`, retryAfterMs });
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');
  const limits = { maxRecords: 10, maxBytes: 1 << 20 };
  const plan = { form: 'text' as const, strictNdjson: false };

  async function run(text: string, send: SendBatch, signal = new AbortController().signal) {
    const tally = new IngestTally(100);
    const waits: number[] = [];
    const end = await uploadBatches(batchesOf({ kind: 'text', text }, plan, limits, tally), tally, {
      send,
      signal,
      sleep: async (ms) => {
        waits.push(ms);
      },
      newKey: () => 'k',
    });
    return { end, totals: tally.totals(), waits };
  }

  it('waits out a 429 for its Retry-After, reusing the Idempotency-Key', async () => {
    const keys: string[] = [];
    let calls = 0;
    const { end, totals, waits } = await run(lines(25), async (b, { idempotencyKey }) => {
      keys.push(idempotencyKey);
      if (++calls === 2) throw apiError(429, 'rate limited', 1500);
      return ok(b);
    });
    expect(end).toEqual({ kind: 'done' });
    expect(totals.accepted).toBe(25);
    expect(waits).toEqual([1500]);
    expect(new Set(keys).size).toBe(3);
    expect(keys).toHaveLength(4);
  });

  it('halves a batch the server finds too large, down to one line refused with its number', async () => {
    const { totals } = await run(lines(10), async (b) => {
      if (b.items.length > 3) throw apiError(413, 'a batch holds at most 3 records');
      if (b.items.includes('line 7')) throw apiError(413, 'the request body exceeds 5 bytes');
      return ok(b);
    });
    expect(totals.accepted).toBe(9);
    expect(totals.rejected).toBe(1);
    expect(totals.problems).toMatchObject([{ number: 7, reason: 'the request body exceeds 5 bytes' }]);
  });

  it('reports a refused batch and goes on; stops at a 404 with the rest not read', async () => {
    const skipped = await run(lines(30), async (b) => {
      if (b.numbers[0] === 11) throw apiError(400, 'invalid body');
      return ok(b);
    });
    expect(skipped.end).toEqual({ kind: 'done' });
    expect([skipped.totals.accepted, skipped.totals.notSent]).toEqual([20, 10]);
    expect(skipped.totals.failures).toEqual(['Lines 11–20 were not stored: invalid body']);

    const stopped = await run(lines(50), async (b) => {
      if (b.numbers[0] === 11) throw apiError(404, 'project not found');
      return ok(b);
    });
    expect(stopped.end.kind).toBe('stopped');
    expect(stopped.totals.failures[0]).toMatch(/^Lines 11–20 were not stored: project not found/);
    expect(stopped.totals.accepted + stopped.totals.notSent).toBeLessThan(50);
  });

  it('gives up on a server that stays unavailable, and on a Retry-After too long to wait', async () => {
    const down = await run(lines(5), async () => {
      throw apiError(503, 'the database is unavailable');
    });
    expect(down.end).toMatchObject({ kind: 'stopped', reason: 'the database is unavailable (after 5 tries)' });
    expect(down.waits).toEqual([1000, 2000, 4000, 8000]);
    expect(down.totals.notSent).toBe(5);

    const quota = await run(lines(5), async () => {
      throw apiError(429, 'daily quota reached', 3_600_000);
    });
    expect(quota.end).toMatchObject({
      kind: 'stopped',
      reason: 'daily quota reached (the server asks to wait 3600 s)',
    });
    expect(quota.waits).toEqual([]);
  });

  it('stops when cancelled, counting what was not sent', async () => {
    const controller = new AbortController();
    const { end, totals } = await run(
      lines(100),
      async (b, { signal }) => {
        if (b.numbers[0] === 21) {
          controller.abort();
          signal.throwIfAborted();
        }
        return ok(b);
      },
      controller.signal,
    );
    expect(end.kind).toBe('cancelled');
    expect(totals.accepted).toBeGreaterThanOrEqual(20);
    expect(totals.accepted + totals.notSent).toBeLessThan(100);
  });

  it('classifies failures by status', () => {
    expect(classifyIngestFailure(apiError(0, 'offline')).kind).toBe('retry');
    expect(classifyIngestFailure(apiError(422, 'unstorable')).kind).toBe('skip');
    expect(classifyIngestFailure(apiError(401, 'signed out')).kind).toBe('stop');
    expect(classifyIngestFailure(new Error('boom')).kind).toBe('retry');
  });
});

describe('uploadBatches against the real ingest route', () => {
  let t: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  const send: SendBatch = async (batch, { idempotencyKey }) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/ingest?projectId=${tenant.projectId}`,
      headers: {
        authorization: `Bearer ${tenant.token}`,
        'content-type': CONTENT_TYPE[batch.form],
        'idempotency-key': idempotencyKey,
      },
      payload: batchBody(batch),
    });
    if (res.statusCode !== 202) throw Object.assign(new Error(res.body), { status: res.statusCode });
    return res.json() as IngestResponse;
  };

  it('sends 25,000 lines in batches under the record limit, every line accepted', async () => {
    const text = Array.from({ length: 25_000 }, (_, i) => JSON.stringify({ level: 30, msg: `req ${i}` })).join('\r\n');
    const tally = new IngestTally();
    const plan = { form: 'ndjson' as const, strictNdjson: true };
    const limits = { maxRecords: INGEST_LIMITS.maxBatchRecords, maxBytes: INGEST_LIMITS.maxBodyBytes };
    const end = await uploadBatches(batchesOf({ kind: 'text', text }, plan, limits, tally), tally, {
      send,
      signal: new AbortController().signal,
    });
    expect(end).toEqual({ kind: 'done' });
    expect(tally.totals()).toMatchObject({ accepted: 25_000, rejected: 0, notSent: 0, requests: 3 });
  });

  it('names the server’s rejections by their line in the paste, blank lines and all', async () => {
    const text = ['{"msg":"a"}', '', '{}', 'plain text is fine', '  ', '{"msg":"b"}', '{}', ''].join('\n');
    const tally = new IngestTally();
    const plan = { form: 'text' as const, strictNdjson: false };
    // Two lines a batch, so the server's indexes restart in every batch.
    await uploadBatches(batchesOf({ kind: 'text', text }, plan, { maxRecords: 2, maxBytes: 1 << 20 }, tally), tally, {
      send,
      signal: new AbortController().signal,
    });
    const totals = tally.totals();
    expect([totals.accepted, totals.rejected]).toEqual([3, 2]);
    expect(totals.problems.map((p) => [p.number, p.reason])).toEqual([
      [3, 'record has no message and no fields'],
      [7, 'record has no message and no fields'],
    ]);
  });
});

describe('textSlices', () => {
  it('never cuts a surrogate pair', async () => {
    const text = 'a😀'.repeat(10);
    const slices: string[] = [];
    for await (const s of textSlices(text, 2)) slices.push(s);
    expect(slices.join('')).toBe(text);
    expect(slices.every((s) => !/[\ud800-\udbff]$/.test(s))).toBe(true);
  });
});

describe('sampleOf and JSON sources', () => {
  it('samples whole lines from the start of a long file', async () => {
    const line = `{"msg":"${'é'.repeat(50)}"}`;
    const file = new Blob([Array.from({ length: 2000 }, () => line).join('\n')]);
    const sample = await sampleOf({ kind: 'file', file });
    expect(sample.split('\n').every((l) => l === line)).toBe(true);
    expect(await sampleOf({ kind: 'text', text: 'a\nb' })).toBe('a\nb');
  });

  it('sends a JSON envelope’s logs as arrays, and refuses one naming another project', async () => {
    const limits = { maxRecords: 2, maxBytes: 1 << 20 };
    const plan = { form: 'json' as const, strictNdjson: false };
    const text = JSON.stringify({ projectId: 'p1', logs: [{ msg: 'a' }, { msg: 'b' }, { msg: 'c' }] });
    const batches: IngestBatch[] = [];
    for await (const b of batchesOf({ kind: 'text', text }, plan, limits, new IngestTally(), 'p1')) batches.push(b);
    expect(batches.map((b) => [b.numbers, JSON.parse(batchBody(b)).length])).toEqual([
      [[1, 2], 2],
      [[3], 1],
    ]);
    const other = batchesOf({ kind: 'text', text }, plan, limits, new IngestTally(), 'p2');
    await expect(other.next()).rejects.toThrow(/names project "p1"/);
  });
});
