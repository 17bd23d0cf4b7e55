import { LIMITS, TRUNCATED_ATTRIBUTE } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { CloudSage, InMemorySink } from '../src/index.js';
import { cutMarker, cutString, truncateLine } from '../src/truncate.js';

const MAX = LIMITS.maxRecordBytes;
const MARK = /…\[truncated (\d+) chars\]$/;

/** The kept head of a cut string and the count its marker states; fails the test if there is no marker. */
function cutOf(value: unknown): { head: string; chars: number } {
  const s = String(value);
  const m = MARK.exec(s);
  expect(m, `no marker at the end of ${s.slice(-60)}`).not.toBeNull();
  return { head: s.slice(0, m!.index), chars: Number(m![1]) };
}

async function logged(write: (c: CloudSage) => void, options: { service?: string } = {}) {
  const sink = new InMemorySink();
  const c = new CloudSage({ transport: sink, exitHooks: false, ...options });
  write(c);
  await c.flush();
  expect(c.stats().dropped.oversize).toBe(0);
  expect(sink.batches[0]!.records).toHaveLength(1);
  return sink.records[0]!;
}

/** The record as the sink stored it must fit the limit. */
const storedBytes = (rec: Record<string, unknown>) => Buffer.byteLength(JSON.stringify(rec));

describe('a record over maxRecordBytes keeps its shape', () => {
  it('keeps the small attributes and the start of the message, and states the true cut', async () => {
    const msg = `order 8 failed: ${'x'.repeat(300_000)}`;
    const small = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`attr${i}`, `value ${i}`]));
    const rec = await logged((c) => c.error(msg, { orderId: 8, ...small }), { service: 'checkout' });
    expect(rec).toMatchObject({ level: 'error', service: 'checkout', orderId: 8, ...small });
    expect(typeof rec.time).toBe('string');
    expect(rec[TRUNCATED_ATTRIBUTE]).toBe(true);
    const { head, chars } = cutOf(rec.msg);
    expect(msg.startsWith(head)).toBe(true);
    expect(head.startsWith('order 8 failed: ')).toBe(true);
    expect(head.length + chars).toBe(msg.length);
    // Cut to fit, not far below it: the head fills most of the limit.
    expect(head.length).toBeGreaterThan(MAX - 4096);
    expect(storedBytes(rec)).toBeLessThanOrEqual(MAX);
  });

  it('keeps the head of err.stack in whole lines, and err.message', async () => {
    const err = new Error('card declined');
    const frames = Array.from({ length: 20_000 }, (_, i) => `    at frame${i} (/srv/app/pay.js:${i}:7)`);
    err.stack = `Error: card declined\n${frames.join('\n')}`;
    const stack = err.stack;
    const rec = await logged((c) => c.error('payment failed', { err, orderId: 8 }));
    expect(rec).toMatchObject({ msg: 'payment failed', orderId: 8, level: 'error' });
    const stored = rec.err as Record<string, unknown>;
    expect(stored).toMatchObject({ type: 'Error', message: 'card declined' });
    const { head, chars } = cutOf(stored.stack);
    expect(head.startsWith('Error: card declined\n    at frame0 (/srv/app/pay.js:0:7)\n')).toBe(true);
    expect(head.endsWith('\n')).toBe(true);
    expect(stack.startsWith(head)).toBe(true);
    expect(head.length + chars).toBe(stack.length);
    expect(err.stack).toBe(stack);
    expect(storedBytes(rec)).toBeLessThanOrEqual(MAX);
  });

  it('cuts a huge message and a huge attribute both, keeps both, and states each true cut', async () => {
    const msg = 'm'.repeat(786_432);
    const body = 'b'.repeat(786_432);
    const fields = { body, traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), orderId: 8 };
    const rec = await logged((c) => c.error(msg, fields));
    expect(fields.body).toBe(body);
    expect(rec).toMatchObject({ traceId: fields.traceId, spanId: fields.spanId, orderId: 8, level: 'error' });
    const m = cutOf(rec.msg);
    const b = cutOf(rec.body);
    expect(m.head.length + m.chars).toBe(msg.length);
    expect(b.head.length + b.chars).toBe(body.length);
    // The longest strings are cut evenly: neither is left as a bare marker.
    expect(Math.abs(m.head.length - b.head.length)).toBeLessThan(1024);
    expect(m.head.length).toBeGreaterThan(MAX / 2 - 4096);
    expect(storedBytes(rec)).toBeLessThanOrEqual(MAX);
  });

  it('cuts big values inside nested objects and arrays and keeps their small neighbours', async () => {
    const blob = 'n'.repeat(400_000);
    const rec = await logged((c) =>
      c.log({ msg: 'nested', payload: { order: { id: 8, note: blob, tags: ['a', 'b'] }, items: [1, 2, blob] } }),
    );
    const payload = rec.payload as { order: Record<string, unknown>; items: unknown[] };
    expect(payload.order.id).toBe(8);
    expect(payload.order.tags).toEqual(['a', 'b']);
    expect(payload.items.slice(0, 2)).toEqual([1, 2]);
    const note = cutOf(payload.order.note);
    const item = cutOf(payload.items[2]);
    expect(note.head.length + note.chars).toBe(blob.length);
    expect(item.head.length + item.chars).toBe(blob.length);
    expect(rec.msg).toBe('nested');
    expect(storedBytes(rec)).toBeLessThanOrEqual(MAX);
  });

  it('measures non-ASCII text in UTF-8 bytes and never splits a surrogate pair', async () => {
    // 200,000 characters fit the limit as characters but are 600,000 bytes.
    const euros = '€'.repeat(200_000);
    const emoji = '😀'.repeat(100_000);
    const rec = await logged((c) => c.info(euros, { emoji }));
    const e = cutOf(rec.msg);
    const f = cutOf(rec.emoji);
    expect(e.head).toBe('€'.repeat(e.head.length));
    expect(e.head.length + e.chars).toBe(euros.length);
    expect(f.head.length % 2).toBe(0);
    expect(f.head).toBe('😀'.repeat(f.head.length / 2));
    expect(f.head.length + f.chars).toBe(emoji.length);
    const bytes = storedBytes(rec);
    expect(bytes).toBeLessThanOrEqual(MAX);
    expect(bytes).toBeGreaterThan(MAX - 8192);
  });

  it('redacts a secret that straddles the cut before cutting it', async () => {
    // Card numbers all around where the message is cut: each is whole when the patterns run.
    const cards = ' 4111 1111 1111 1111 '.repeat(400);
    const msg = `${'x '.repeat((MAX - 4000) / 2)}${cards}${'y'.repeat(7_000_000)}`;
    const rec = await logged((c) => c.error(msg));
    const { head } = cutOf(rec.msg);
    expect(head.length).toBeGreaterThan(MAX - 4000);
    expect(head.length).toBeLessThan(MAX - 4000 + cards.length);
    const digits = /\d{4}/.exec(head);
    expect(digits && head.slice(digits.index - 40, digits.index + 40)).toBeNull();
    expect(head.includes('[REDACTED]')).toBe(true);
  });
});

describe('truncateLine', () => {
  it('keeps a pino line’s level, time and other fields (writeLine)', async () => {
    const fields = {
      level: 50,
      time: 1735689600000,
      pid: 4242,
      hostname: 'web-1',
      reqId: 'req-7',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      err: { type: 'TypeError', message: 'x is undefined', stack: 'TypeError: x is undefined\n    at f (a.js:1:1)' },
    };
    const line = JSON.stringify({ ...fields, msg: 'p'.repeat(300 * 1024) });
    const rec = await logged((c) => c.writeLine(`${line}\n`));
    expect(rec).toMatchObject({ ...fields, [TRUNCATED_ATTRIBUTE]: true });
    const { head, chars } = cutOf(rec.msg);
    expect(head.length + chars).toBe(300 * 1024);
    expect(storedBytes(rec)).toBeLessThanOrEqual(MAX);
  });

  it('fits and stays valid JSON whatever the text escapes to', () => {
    const texts = ['"\\'.repeat(200_000), '\u0001\n\t'.repeat(150_000), 'é€😀'.repeat(80_000), 'a'.repeat(600_000)];
    for (const max of [1024, 4096, MAX]) {
      for (const text of texts) {
        const out = truncateLine(JSON.stringify({ level: 'warn', a: text, b: { c: text }, n: 1 }), max);
        expect(out, `${max} ${JSON.stringify(text.slice(0, 6))}`).toBeDefined();
        const bytes = Buffer.byteLength(out!);
        expect(bytes).toBeLessThanOrEqual(max);
        // Escapes are counted, not guessed high: the record is cut to fit, not far below.
        if (max === MAX) expect(bytes).toBeGreaterThan(MAX * 0.9);
        const rec = JSON.parse(out!);
        expect(rec).toMatchObject({ level: 'warn', n: 1, [TRUNCATED_ATTRIBUTE]: true });
        const a = cutOf(rec.a);
        expect(a.head.length + a.chars).toBe(text.length);
        expect(text.startsWith(a.head)).toBe(true);
      }
    }
  });

  it('keeps the original size when a string is cut a second time', () => {
    const once = cutString('z'.repeat(10_000), 5_000);
    expect(once).toBe(`${'z'.repeat(5_000)}${cutMarker(5_000)}`);
    expect(cutString(once, 1_000)).toBe(`${'z'.repeat(1_000)}${cutMarker(9_000)}`);
    const line = JSON.stringify({ msg: `${'z'.repeat(300_000)}${cutMarker(1_000_000)}` });
    const { head, chars } = cutOf(JSON.parse(truncateLine(line, MAX)!).msg);
    expect(head.length + chars).toBe(1_300_000);
  });

  it('cuts a long array of small items, keeping its first items and the count cut', () => {
    const line = JSON.stringify({ level: 'info', msg: 'ok', list: Array.from({ length: 5000 }, (_, i) => `item${i}`) });
    const rec = JSON.parse(truncateLine(line, 4096)!);
    const list = rec.list as string[];
    expect(list.slice(0, 3)).toEqual(['item0', 'item1', 'item2']);
    expect(list.at(-1)).toBe(`…[truncated ${5000 - (list.length - 1)} items]`);
    expect(list.length).toBeGreaterThan(300);
    expect(rec).toMatchObject({ level: 'info', msg: 'ok' });
  });
});
