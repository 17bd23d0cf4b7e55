// client.writeLines (runs of lines, one buffer entry each, redacted in one pass) against the reference it
// must equal: client.writeLine for each line. Same bytes out, same batches, same drop counts.
import { describe, expect, it } from 'vitest';
import type { Batch, CloudSageOptions, SendResult } from '../src/index.js';
import { CloudSage, createRedactor } from '../src/index.js';
import { rng } from './helpers/rng.js';

const pick = <T>(next: () => number, xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;

// Pieces of text the default patterns look for, and text that looks like them but is not a secret.
const FRAGMENTS = [
  'request completed',
  'mail ada@example.com now',
  'card 4111 1111 1111 1111',
  'card 4111111111111112',
  'key csk_live_abcdef123',
  'Authorization: Bearer abc.def-123',
  'jwt eyJhbGciOi.eyJzdWIiOi.sig_part',
  'aws AKIAIOSFODNN7EXAMPLE here',
  'password=hunter2; token: x1',
  'responseTime 807.2345678901234',
  'café €5 😀 naïve',
  'quote \\" and backslash \\\\ and newline \\n',
  'control \\u0000 and tab \\t',
  '',
];

/** One line as a pino transport may meet it: mostly JSON records, now and then something else. */
function randomLine(next: () => number, long: number): string {
  const r = next();
  const msg = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(next, FRAGMENTS)).join(' ');
  if (r < 0.7) {
    const level = pick(next, ['10', '20', '30', '40', '50', '60', '"warn"', '"error"', '"info"', '"critical"', '35']);
    const extra = pick(next, [
      '',
      ',"password":"p4ss"',
      ',"apiKey":12345',
      ',"accessToken":"tok"',
      ',"n":4111111111111111',
      ',"nested":{"secret":"s","list":[1,"ada@example.com"]}',
      ',"responseTime":12',
    ]);
    const head = next() < 0.8 ? `"level":${level},` : '';
    return `{${head}"time":${1735689600000 + Math.floor(next() * 1e6)},"msg":${JSON.stringify(msg)}${extra}}`;
  }
  if (r < 0.75) return `{"level":30,"msg":"${'x'.repeat(long)}"}`; // longer than a run may hold
  if (r < 0.8) return `{"password":"unterminated ${msg}`; // JSON-looking, not JSON: a string that runs on
  if (r < 0.84) return `{"level":50,"msg":"carriage return"}\r`;
  if (r < 0.88) return pick(next, ['', '   ', '\t', '{}', '{ }', '[1,2]']);
  return `plain text: ${msg}`;
}

interface Run {
  batches: string[][];
  stats: ReturnType<CloudSage['stats']>;
}

/** Writes `text` into a client whose backend never answers, then reads what it sent and holds. */
function drive(options: CloudSageOptions, write: (client: CloudSage) => void): Run {
  const batches: string[][] = [];
  const sender = {
    send(batch: Batch): Promise<SendResult> {
      batches.push([...batch.lines]);
      return new Promise(() => {});
    },
  };
  const client = new CloudSage({ sender, exitHooks: false, stderr: { write: () => true }, ...options });
  write(client);
  return { batches, stats: client.stats() };
}

/** Today's path: one writeLine per complete line, as the pino stream handed them over. */
function lineByLine(client: CloudSage, text: string): void {
  for (let at = 0; ; ) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    if (nl > at) client.writeLine(text.slice(at, nl));
    at = nl + 1;
  }
}

const SETUPS: Array<{ name: string; options: CloudSageOptions }> = [
  { name: 'defaults', options: {} },
  { name: 'no redaction', options: { redact: false } },
  { name: 'a pattern of the user', options: { redact: { patterns: [/order-\d+/, /^plain/] } } },
  { name: 'service', options: { service: 'checkout' } },
  { name: 'redact paths (every line parsed)', options: { redact: { paths: ['password'] } } },
  { name: 'oldest, small buffer', options: { dropPolicy: 'oldest', maxBufferRecords: 40 } },
  { name: 'newest, small buffer', options: { dropPolicy: 'newest', maxBufferBytes: 64 * 1024 } },
  { name: 'oldest-low-first, small buffer', options: { maxBufferRecords: 30, batch: { maxRecords: 7 } } },
];

describe('writeLines against writeLine per line', () => {
  for (const { name, options } of SETUPS) {
    it(`sends the same batches and counts the same drops (${name}, 40 seeded inputs)`, () => {
      for (let seed = 0; seed < 40; seed++) {
        const next = rng(seed * 7919 + name.length);
        const maxRecordBytes = 600 + Math.floor(next() * 2000);
        const lines = Array.from({ length: 50 + Math.floor(next() * 400) }, () =>
          randomLine(next, Math.floor(maxRecordBytes / 3)),
        );
        const text = `${lines.join('\n')}\n`;
        const opts: CloudSageOptions = {
          maxRecordBytes,
          concurrency: 1 + Math.floor(next() * 2),
          ...options,
          batch: {
            maxRecords: 1 + Math.floor(next() * 60),
            maxBytes: 1024 + Math.floor(next() * 8000),
            ...options.batch,
          },
        };
        const want = drive(opts, (c) => lineByLine(c, text));
        const got = drive(opts, (c) => {
          // In pieces, as the pino stream hands slices over.
          const cut = text.indexOf('\n', Math.floor(next() * text.length)) + 1;
          c.writeLines(text, 0, cut || text.length);
          if (cut > 0) c.writeLines(text, cut);
        });
        if (JSON.stringify(got) !== JSON.stringify(want)) expect({ seed, ...got }).toEqual({ seed, ...want });
      }
    });
  }

  it('stops before the first line that does not fit with backpressure, with the first batch on its way', async () => {
    const line = (i: number) => `{"level":30,"msg":"line ${String(i).padStart(4, '0')} ${'x'.repeat(70)}"}`;
    const text = `${Array.from({ length: 1000 }, (_, i) => line(i)).join('\n')}\n`;
    const sent: string[] = [];
    const client = new CloudSage({
      sender: {
        send(b: Batch): Promise<SendResult> {
          sent.push(...b.lines);
          return new Promise(() => {});
        },
      },
      exitHooks: false,
      redact: false,
      maxBufferBytes: 65_536,
      batch: { maxRecords: 100, maxWaitMs: 60_000 },
      concurrency: 1,
    });
    const stop = client.writeLines(text, 0, text.length, true);
    expect(stop).toBeGreaterThan(0);
    expect(stop).toBeLessThan(text.length);
    expect(text[stop - 1]).toBe('\n');
    // The line it stopped at is the first one hasRoom refuses.
    const next = text.slice(stop, text.indexOf('\n', stop));
    expect(client.hasRoom(next.length)).toBe(false);
    expect(client.stats().dropped.overflow).toBe(0);
    expect(client.stats().buffered).toBe(text.slice(0, stop).split('\n').length - 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual(Array.from({ length: 100 }, (_, i) => line(i)));
  });
});

describe('redactRun: the patterns over a run of lines in one pass', () => {
  it('answers the run itself only when redactLine changes none of its lines (2,000 seeded runs)', () => {
    const redactor = createRedactor({});
    for (let seed = 0; seed < 2000; seed++) {
      const next = rng(seed);
      const lines = Array.from({ length: 1 + Math.floor(next() * 8) }, () => randomLine(next, 50)).filter((l) =>
        l.startsWith('{'),
      );
      if (lines.length === 0) continue;
      const run = lines.join('\n');
      const unchanged = lines.every((l) => redactor.redactLine(l) === l);
      const got = redactor.redactRun(run);
      if (got !== undefined) expect({ seed, got }).toEqual({ seed, got: run });
      // A run left as it is must be one whose every line is left as it is.
      if (got === run && !unchanged) expect({ seed, lines }).toEqual({ seed, lines: 'some line redacted' });
      // Nearly every run without a secret passes whole (the exception: a string that runs on past a line).
      if (unchanged && got === undefined) expect(lines.some((l) => !l.endsWith('}'))).toBe(true);
    }
  });

  it('finds a secret on any line of a run, whichever pattern it takes', () => {
    const redactor = createRedactor({});
    const clean = '{"level":30,"msg":"request completed"}';
    for (const secret of FRAGMENTS.slice(1, 9)) {
      const line = `{"level":30,"msg":${JSON.stringify(secret)}}`;
      const changed = redactor.redactLine(line) !== line;
      expect(redactor.redactRun([clean, line, clean].join('\n')) === undefined).toBe(changed);
    }
  });
});
