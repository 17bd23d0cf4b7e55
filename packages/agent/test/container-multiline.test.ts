import { normalizeLine } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { MultilineJoiner } from '../src/multiline.js';

// Container logs as the runtimes write them: containerd (Kubernetes' /var/log/containers/*.log) prefixes
// every line of the app's output with `<time> <stream> <F|P> `, Docker's json-file driver wraps each in
// `{"log", "stream", "time"}`, so a Java stack trace arrives one frame a line.

function joined(lines: string[], maxLines = 500): string[] {
  const out: string[] = [];
  const j = new MultilineJoiner('auto', maxLines, (t) => out.push(t));
  for (const [i, l] of lines.entries()) j.push(l, i + 1, 0);
  j.flush();
  return out;
}

const at = (ms: number) => `2026-06-15T11:00:00.${String(ms).padStart(3, '0')}000000Z`;

describe('containerd / CRI-O lines', () => {
  it("joins a Java stack trace the runtime wrote one frame a line, and reads it as the app's record", () => {
    const out = joined([
      `${at(1)} stdout F 2026-06-15 11:00:00.001 ERROR 1 --- [nio-8080-exec-1] c.e.Orders : order failed`,
      `${at(2)} stdout F java.lang.IllegalStateException: pool exhausted`,
      `${at(3)} stdout F \tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:155)`,
      `${at(4)} stdout F Caused by: java.sql.SQLTransientConnectionException: timeout`,
      `${at(5)} stdout F \t... 12 more`,
      `${at(6)} stdout F 2026-06-15 11:00:00.006  INFO 1 --- [nio-8080-exec-2] c.e.Orders : order placed`,
    ]);
    expect(out).toEqual([
      `${at(1)} stdout F 2026-06-15 11:00:00.001 ERROR 1 --- [nio-8080-exec-1] c.e.Orders : order failed`,
      `${at(2)} stdout F java.lang.IllegalStateException: pool exhausted\n\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:155)\nCaused by: java.sql.SQLTransientConnectionException: timeout\n\t... 12 more`,
      `${at(6)} stdout F 2026-06-15 11:00:00.006  INFO 1 --- [nio-8080-exec-2] c.e.Orders : order placed`,
    ]);
    const r = normalizeLine(out[1] as string, new Date('2026-06-15T12:00:00Z'));
    expect(r.ok && r.record).toMatchObject({
      time: '2026-06-15T11:00:00.002Z',
      level: 'error',
      msg: 'java.lang.IllegalStateException: pool exhausted\n\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:155)\nCaused by: java.sql.SQLTransientConnectionException: timeout\n\t... 12 more',
      attributes: { stream: 'stdout' },
    });
  });

  it('joins the parts of a line the runtime cut (P) without a line break', () => {
    const out = joined([
      `${at(1)} stdout P {"level":50,"msg":"payload ${'x'.repeat(20)}`,
      `${at(1)} stdout P ${'y'.repeat(20)}`,
      `${at(1)} stdout F ","pid":7}`,
      `${at(2)} stdout F {"level":30,"msg":"next"}`,
    ]);
    expect(out).toHaveLength(2);
    const r = normalizeLine(out[0] as string, new Date('2026-06-15T12:00:00Z'));
    expect(r.ok && r.record).toMatchObject({
      level: 'error',
      msg: `payload ${'x'.repeat(20)}${'y'.repeat(20)}`,
      attributes: { pid: 7, stream: 'stdout' },
    });
  });

  it('keeps JSON lines apart and stops a runaway line at the line bound', () => {
    expect(joined([`${at(1)} stdout F {"msg":"a"}`, `${at(2)} stdout F {"msg":"b"}`])).toHaveLength(2);
    const parts = Array.from({ length: 25 }, (_, i) => `${at(i)} stdout P chunk${i} `);
    expect(joined(parts, 10).length).toBeGreaterThanOrEqual(3);
  });

  it('skips a blank line inside the prefix', () => {
    expect(joined([`${at(1)} stdout F `, `${at(2)} stdout F hello`])).toEqual([`${at(2)} stdout F hello`]);
  });
});

describe("Docker's json-file lines", () => {
  const docker = (log: string, ms: number, stream = 'stdout') => JSON.stringify({ log, stream, time: at(ms) });

  it("joins a stack trace back into one json-file line at the first line's time", () => {
    const out = joined([
      docker('java.lang.IllegalStateException: pool exhausted\n', 1, 'stderr'),
      docker('\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:155)\n', 2, 'stderr'),
      docker('\t... 12 more\n', 3, 'stderr'),
      docker('{"level":30,"msg":"next"}\n', 4),
    ]);
    expect(out).toEqual([
      JSON.stringify({
        log: 'java.lang.IllegalStateException: pool exhausted\n\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:155)\n\t... 12 more\n',
        stream: 'stderr',
        time: at(1),
      }),
      docker('{"level":30,"msg":"next"}\n', 4),
    ]);
    const r = normalizeLine(out[0] as string, new Date('2026-06-15T12:00:00Z'));
    expect(r.ok && r.record).toMatchObject({
      time: '2026-06-15T11:00:00.001Z',
      level: 'error',
      attributes: { stream: 'stderr' },
    });
  });

  it('joins the parts of a line Docker cut (no newline at the end of its log)', () => {
    const out = joined([docker(`{"level":50,"msg":"${'x'.repeat(30)}`, 1), docker('","pid":7}\n', 1)]);
    expect(out).toHaveLength(1);
    const r = normalizeLine(out[0] as string, new Date('2026-06-15T12:00:00Z'));
    expect(r.ok && r.record).toMatchObject({ level: 'error', msg: 'x'.repeat(30), attributes: { pid: 7 } });
    // A part that looks like a whole JSON line on its own is still the rest of the one before.
    const rest = joined([docker('{"level":50,"msg":"', 1), docker('{a}"}\n', 1)]);
    expect(rest).toHaveLength(1);
    const r2 = normalizeLine(rest[0] as string, new Date('2026-06-15T12:00:00Z'));
    expect(r2.ok && r2.record).toMatchObject({ level: 'error', msg: '{a}' });
  });

  it('sends a line that joins nothing as it was read, and reads other JSON as JSON', () => {
    const line = '{"log":"order 17 placed\\n","stream":"stdout","time":"2026-06-15T11:00:00.000000001Z","attrs":{}}';
    expect(joined([line, line])).toEqual([line, line]);
    // A JSON line is never joined onto: it would no longer parse.
    expect(joined(['{"level":30,"msg":"a"}', '  indented'])).toEqual(['{"level":30,"msg":"a"}', '  indented']);
    // A pretty-printed object is still one record, and parses.
    const pretty = joined(['{', '  "level": "warn",', '  "msg": "pretty"', '}']);
    expect(pretty).toEqual(['{\n  "level": "warn",\n  "msg": "pretty"\n}']);
    const r = normalizeLine(pretty[0] as string, new Date('2026-06-15T12:00:00Z'));
    expect(r.ok && r.record).toMatchObject({ level: 'warn', msg: 'pretty' });
    // No stream: some app's own JSON with a `log` field, not a runtime's line.
    expect(joined(['{"log":"\\tat x"}', '{"log":"\\tat y"}'])).toEqual(['{"log":"\\tat x"}', '{"log":"\\tat y"}']);
  });
});
