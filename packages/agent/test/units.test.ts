import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barChart, sparkline } from '../src/chart.js';
import { HEAP_GROWING_PERCENT, tuneHeap } from '../src/heap-tuning.js';
import { MultilineJoiner } from '../src/multiline.js';
import { toRecordLine } from '../src/record.js';
import { expandPattern } from '../src/tail/glob.js';
import { LineSplitter } from '../src/tail/line-splitter.js';
import { capYoungGeneration, YOUNG_GENERATION_CAP_MB } from '../src/young-gen-cap.js';

function split(chunks: string[]): Array<[string, number]> {
  const s = new LineSplitter(64);
  const out: Array<[string, number]> = [];
  let offset = 0;
  for (const c of chunks) {
    const b = Buffer.from(c);
    offset += b.length;
    s.push(b, offset, (line, end) => out.push([line, end]));
  }
  return out;
}

describe('LineSplitter', () => {
  it('cuts lines across chunk borders and gives the offset past each newline', () => {
    expect(split(['ab', 'c\nde\r\n', 'f'])).toEqual([
      ['abc', 4],
      ['de', 8],
    ]);
  });
  it('keeps multibyte characters split across chunks intact', () => {
    const bytes = Buffer.from('é€\n');
    const s = new LineSplitter();
    const out: string[] = [];
    s.push(bytes.subarray(0, 1), 1, (l) => out.push(l));
    s.push(bytes.subarray(1), bytes.length, (l) => out.push(l));
    expect(out).toEqual(['é€']);
  });
  it('emits a runaway line in pieces instead of growing without bound', () => {
    const out = split(['x'.repeat(100)]);
    expect(out).toEqual([['x'.repeat(100), 100]]);
  });
});

function join_(mode: 'auto' | 'off' | RegExp, lines: string[]): string[] {
  const out: string[] = [];
  const j = new MultilineJoiner(mode, 500, (t) => out.push(t));
  for (const [i, l] of lines.entries()) j.push(l, i + 1, 0);
  j.flush();
  return out;
}

describe('MultilineJoiner', () => {
  it('joins a Java stack trace with Caused by and ... more', () => {
    const lines = [
      'ERROR request failed',
      'java.lang.IllegalStateException: boom',
      '\tat com.x.Foo.bar(Foo.java:10)',
      'Caused by: java.io.IOException: disk',
      '\t... 12 more',
      'INFO next',
    ];
    expect(join_('auto', lines)).toEqual([
      'ERROR request failed',
      'java.lang.IllegalStateException: boom\n\tat com.x.Foo.bar(Foo.java:10)\nCaused by: java.io.IOException: disk\n\t... 12 more',
      'INFO next',
    ]);
  });
  it("joins Node's fatal-error output with its native stack, frames 10 and up included", () => {
    // What Node 20 writes to stderr on a heap-limit crash (lab recording lab-1, payments): frames 1-9
    // are indented by the frame number's padding, frames 10+ are not.
    const lines = [
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      '----- Native stack trace -----',
      '',
      ' 1: 0xb78db3 node::OOMErrorHandler(char const*, v8::OOMDetails const&) [/usr/bin/node]',
      ' 9: 0x18c05fb  [/usr/bin/node]',
      '10: 0x18c05fb  [/usr/bin/node]',
      '11: 0x18ac8a7 uv_run [/usr/bin/node]',
      '{"level":30,"msg":"Server listening"}',
      '10: not a frame',
    ];
    const out = join_('auto', lines);
    expect(out).toEqual([[lines[0], lines[1], ...lines.slice(3, 7)].join('\n'), lines[7], lines[8]]);
  });
  it('joins a Python traceback including its last exception line', () => {
    const lines = ['Traceback (most recent call last):', '  File "a.py", line 1', 'ValueError: bad', 'next'];
    expect(join_('auto', lines)).toEqual([lines.slice(0, 3).join('\n'), 'next']);
  });
  it('with a start pattern, joins every line that does not match it', () => {
    const lines = ['2026-01-01 a', 'more', '2026-01-02 b'];
    expect(join_(/^\d{4}-/, lines)).toEqual(['2026-01-01 a\nmore', '2026-01-02 b']);
  });
  it('never joins JSON lines, and off means one line per record', () => {
    expect(join_('auto', ['{"a":1}', '{"b":2}'])).toEqual(['{"a":1}', '{"b":2}']);
    expect(join_('off', ['a', '  b'])).toEqual(['a', '  b']);
  });
  it('starts each record afresh after a joined one, and forgets a record that was reset', () => {
    const out: string[] = [];
    const j = new MultilineJoiner('auto', 500, (t) => out.push(t));
    for (const [i, l] of ['Error: a', '    at x', 'next', 'Error: b', '    at y', '    at z'].entries())
      j.push(l, i, 0);
    j.reset();
    j.push('after', 9, 0);
    j.flush();
    expect(out).toEqual(['Error: a\n    at x', 'next', 'after']);
  });
  it('emits a held record after the timeout', () => {
    const out: string[] = [];
    const j = new MultilineJoiner('auto', 500, (t) => out.push(t));
    j.push('alone', 6, 1000);
    expect(j.idle(1200, 500)).toBe(true);
    expect(j.idle(1500, 500)).toBe(false);
    expect(out).toEqual(['alone']);
  });
});

describe('tuneHeap', () => {
  it('caps the old generation growth unless the user chose a growth already', () => {
    const set: string[] = [];
    expect(tuneHeap([], undefined, (f) => set.push(f))).toBe(true);
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
    expect(tuneHeap(['--heap-growing-percent=50'], undefined, (f) => set.push(f))).toBe(false);
    expect(tuneHeap([], '--max-semi-space-size=4 --heap_growing_percent=80', (f) => set.push(f))).toBe(false);
    expect(set).toHaveLength(1);
  });
});

describe('capYoungGeneration', () => {
  it('stops V8 growing the young generation at the cap and lets it grow again below it', () => {
    const MB = 1024 * 1024;
    let size = 2 * MB;
    const flags: string[] = [];
    let tick = () => {};
    const hooks = {
      newSpaceBytes: () => size,
      setFlags: (f: string) => flags.push(f),
      setInterval: (fn: () => void) => {
        tick = fn;
        return { unref() {} };
      },
    };
    expect(capYoungGeneration([], undefined, hooks)).toBe(true);
    expect(flags).toEqual([]); // below the cap at start: V8's own growth
    size = YOUNG_GENERATION_CAP_MB * MB;
    tick();
    tick();
    expect(flags).toEqual(['--semi-space-growth-factor=1']);
    size = 4 * MB; // V8 shrank it when allocation slowed
    tick();
    expect(flags).toEqual(['--semi-space-growth-factor=1', '--semi-space-growth-factor=2']);
  });

  it('leaves the young generation alone when the user sized it', () => {
    const hooks = {
      newSpaceBytes: () => 64 * 1024 * 1024,
      setFlags: () => {
        throw new Error('must not set flags');
      },
      setInterval: () => ({ unref() {} }),
    };
    expect(capYoungGeneration(['--max-semi-space-size=4'], undefined, hooks)).toBe(false);
    expect(capYoungGeneration([], '--semi-space-growth-factor=3', hooks)).toBe(false);
  });
});

describe('toRecordLine', () => {
  it('passes a JSON object line through unchanged', () => {
    const line = '{"level":30,"time":1,"msg":"x"}';
    expect(toRecordLine(line, 0)).toBe(line);
  });
  it('normalizes text with the schema normalizer, level and time from the line', () => {
    const rec = JSON.parse(toRecordLine('2026-01-02T03:04:05Z WARN disk 91% full', 0)!);
    expect(rec).toMatchObject({ level: 'warn', time: '2026-01-02T03:04:05.000Z' });
  });
  it('adds the service when the record has none, and keeps a joined JSON record on one line', () => {
    expect(JSON.parse(toRecordLine('{"msg":"x"}', 0, 'api')!)).toEqual({ service: 'api', msg: 'x' });
    expect(toRecordLine('{"msg":\n"x"}', 0)).toBe('{"msg":"x"}');
  });
});

describe('expandPattern', () => {
  it('matches wildcards in the last segment and ** across directories', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-glob-'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    for (const f of ['x.log', 'y.log', 'x.log.1', 'a/z.log', 'a/b/w.log']) writeFileSync(join(dir, f), '');
    expect(expandPattern(join(dir, '*.log')).sort()).toEqual([join(dir, 'x.log'), join(dir, 'y.log')]);
    expect(expandPattern(join(dir, '**', '*.log')).sort()).toEqual(
      ['a/b/w.log', 'a/z.log', 'x.log', 'y.log'].map((f) => join(dir, f)),
    );
  });
});

describe('charts', () => {
  it('draws a sparkline and a bar chart whose column heights follow the values', () => {
    expect(sparkline([0, 50, 100])).toBe(' ▄█');
    const chart = barChart([0, 100], { rows: 2, width: 2 }).split('\n');
    expect(chart[0]).toBe('100 ┤ █');
    expect(chart[1]).toBe('  0 ┤ █');
  });
});

describe('configuration', () => {
  it('takes flags over the environment over the config file, and names a bad file', async () => {
    const { envLayer, fileLayer, resolveConfig, ShipConfigSchema } = await import('../src/config.js');
    const { parseCommandArgs, SHIP_FLAGS } = await import('../src/args.js');
    const dir = mkdtempSync(join(tmpdir(), 'cs-config-'));
    const file = join(dir, 'agent.json');
    writeFileSync(file, JSON.stringify({ endpoint: 'http://file.test', apiKey: 'from-file', batchSize: 50 }));
    const config = resolveConfig(ShipConfigSchema, [
      fileLayer(file),
      envLayer({ CLOUDSAGE_API_KEY: 'from-env', CLOUDSAGE_FILES: 'a.log, b/*.log' }, ['apiKey', 'files']),
      parseCommandArgs(['--batch-size', '70'], SHIP_FLAGS).layer,
    ]);
    expect(config).toMatchObject({
      endpoint: 'http://file.test',
      apiKey: 'from-env',
      batchSize: 70,
      files: ['a.log', 'b/*.log'],
    });
    writeFileSync(file, '{ not json');
    expect(() => fileLayer(file)).toThrow(/cannot read config file/);
    writeFileSync(file, JSON.stringify({ endpoint: 'http://file.test', apiKey: 'k', batchSise: 5 }));
    expect(() => resolveConfig(ShipConfigSchema, [fileLayer(file)])).toThrow(
      /unknown setting\(s\) batchSise \(in .*agent\.json\)/,
    );
  });
});
