import { describe, expect, it } from 'vitest';
import { levelFromText, normalizeLine, normalizeRecord } from '../src/index.js';
import { readLine } from './normalized.js';

const RECEIVED = new Date('2026-06-15T12:00:00.000Z');

// A string given to normalizeRecord is always text, with the same result (readLine checks it).
function text(line: string, receivedAt: Date = RECEIVED) {
  return readLine(line, receivedAt);
}

describe('leading timestamps', () => {
  it.each([
    ['2026-01-02T03:04:05Z ERROR db timeout', '2026-01-02T03:04:05.000Z', 'error'],
    ['2026-01-02T03:04:05.678+02:00 WARN slow', '2026-01-02T01:04:05.678Z', 'warn'],
    ['2026-01-02T03:04:05.123456789Z done', '2026-01-02T03:04:05.123Z', 'info'],
    ['2026-01-02 03:04:05,678 [main] ERROR c.e.App - failed', '2026-01-02T03:04:05.678Z', 'error'],
    ['2026-01-02 03:04:05.678 [http-nio-8080-exec-1] INFO c.e.Web - started', '2026-01-02T03:04:05.678Z', 'info'],
    ['[2026-01-02 03:04:05] production.ERROR: oops', '2026-01-02T03:04:05.000Z', 'error'],
    ['2026/01/02 03:04:05 [error] 31#31: *1 open() failed', '2026-01-02T03:04:05.000Z', 'error'],
  ])('%s', (line, time, level) => {
    const r = text(line);
    expect(r).toEqual({ time, level, msg: line });
  });

  it('uses the receive time when the leading date is impossible', () => {
    expect(text('2026-13-45T99:99:99Z ERROR bad').time).toBe(RECEIVED.toISOString());
  });
});

describe('times other software writes (one line of each loghub sample)', () => {
  it.each([
    [
      'Thunderbird, its alert column first',
      '- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root',
      '2005-11-09T20:01:01.000Z',
    ],
    [
      'Thunderbird, without it',
      '1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2916]: (root) CMD',
      '2005-11-09T20:01:01.000Z',
    ],
    [
      'HDFS',
      '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating',
      '2008-11-09T20:36:15.000Z',
    ],
    [
      'Apache error log',
      '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties',
      '2005-12-04T04:47:44.000Z',
    ],
    [
      'Apache 2.4 error log',
      '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708] AH00037: Symbolic link not allowed',
      '2000-10-11T14:32:52.123Z',
    ],
    [
      'US MM/dd/yy, read as written (nearest the receive time)',
      '06/14/26 09:30:00 INFO up',
      '2026-06-14T09:30:00.000Z',
    ],
    ['dd/MM/yy, read as written', '15/06/26 11:58:00 INFO service started', '2026-06-15T11:58:00.000Z'],
    [
      'Spark (log4j yy/MM/dd)',
      '17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers',
      '2017-06-09T20:10:40.000Z',
    ],
    [
      'OpenStack, after the file name',
      'nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server',
      '2017-05-16T00:00:00.008Z',
    ],
    ['a level before the time', 'ERROR 2026-01-02 03:04:05,678 [main] c.e.App - failed', '2026-01-02T03:04:05.678Z'],
    ['HealthApp', '20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579', '2017-12-23T22:15:29.606Z'],
    [
      'HealthApp, unpadded milliseconds',
      '20171223-22:15:35:11|Step_SPUtils|30002312| getTodayTotalDetailSteps = 7015',
      '2017-12-23T22:15:35.011Z',
    ],
    [
      'HealthApp, unpadded seconds',
      '20171223-22:16:0:119|Step_ExtSDM|30002312|calculateAltitudeWithCache',
      '2017-12-23T22:16:00.119Z',
    ],
    [
      'Android logcat, no year',
      '03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs',
      '2026-03-17T16:13:38.811Z',
    ],
    [
      'Proxifier, no year: October is ahead of June',
      '[10.30 16:49:06] chrome.exe - proxy.example.org:5070 open through proxy',
      '2025-10-30T16:49:06.000Z',
    ],
  ])('%s', (_, line, time) => {
    expect(text(line).time).toBe(time);
  });

  it.each([
    ['a number that is no time', 'order 1131566461 shipped to 2005.11.09 customers'],
    ['epoch seconds whose day disagrees', '- 1131566461 2004.01.01 dn228 kernel: x'],
    ['a thirteenth month', '081309 203615 148 INFO dfs.DataNode: x'],
    ['a 31st of February', '[Sun Feb 31 04:47:44 2005] [notice] x'],
    ['an access time on a 31st of February', '203.0.113.9 - - [31/Feb/2026:13:55:36 +0200] "GET / HTTP/1.1" 200 5'],
    ['two numbers', '123456 654321 rows copied'],
    ['a time in the middle of a sentence', 'the job that started 2026-01-02 03:04:05 failed'],
  ])('keeps the receive time for %s', (_, line) => {
    expect(text(line).time).toBe(RECEIVED.toISOString());
  });
});

describe('syslog-ish lines', () => {
  it('reads RFC 5424 priority, version and timestamp', () => {
    const line = '<165>1 2026-01-02T03:04:05.003Z host app - ID47 - BOM app started';
    // 165 = facility 20 * 8 + severity 5 (notice).
    expect(text(line)).toEqual({ time: '2026-01-02T03:04:05.003Z', level: 'info', msg: line });
    expect(text('<11>1 2026-01-02T03:04:05Z host app - - - disk failing').level).toBe('error');
  });

  it('reads RFC 3164 priority and a time without a year', () => {
    const line = "<34>Jun 14 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8";
    // 34 = auth (4) * 8 + critical (2).
    expect(text(line)).toEqual({ time: '2026-06-14T22:14:15.000Z', level: 'fatal', msg: line });
  });

  it('reads /var/log/syslog lines and puts a December line in the previous year in January', () => {
    const r = text('Jun  3 08:00:01 web-1 CRON[1234]: (root) CMD (run-parts /etc/cron.hourly)');
    expect(r.time).toBe('2026-06-03T08:00:01.000Z');
    expect(r.level).toBe('info');
    const jan = text(
      'Dec 31 23:59:58 web-1 kernel: Out of memory: Killed process 42',
      new Date('2026-01-01T00:00:05Z'),
    );
    expect(jan.time).toBe('2025-12-31T23:59:58.000Z');
    expect(text('Jun 15 11:59:00 web-1 app: WARNING low disk').level).toBe('warn');
  });

  it('ignores a priority out of range', () => {
    expect(text('<999>oops ERROR x').level).toBe('error');
  });
});

describe('access lines', () => {
  const combined = (status: number) =>
    `203.0.113.9 - - [15/Jun/2026:13:55:36 +0200] "GET /api/orders?id=7 HTTP/1.1" ${status} 2326 "-" "curl/8.5.0"`;

  it('reads the bracketed time with its offset', () => {
    const r = text(combined(200));
    expect(r).toEqual({ time: '2026-06-15T11:55:36.000Z', level: 'info', msg: combined(200) });
  });

  it('reads a 5xx status as an error, 4xx and 3xx as info', () => {
    expect(text(combined(503)).level).toBe('error');
    expect(text(combined(404)).level).toBe('info');
    expect(text(combined(301)).level).toBe('info');
  });
});

describe('levels from words', () => {
  it.each([
    ['Something ERROR happened', 'error'],
    ['WARN disk at 91%', 'warn'],
    ['WARNING: deprecated flag', 'warn'],
    ['ts=2026-01-02 level=error msg="db down"', 'error'],
    ['ts=2026-01-02 level=warn msg="slow"', 'warn'],
    ['time="2026" lvl=debug msg=x', 'debug'],
    ['{"level":"warn" this is not json', 'warn'],
    ['severity: critical something broke', 'fatal'],
    ['[error] upstream timed out', 'error'],
    ['[main] [warn] pool low', 'warn'],
    ['<error> xml-ish', 'error'],
    ['FATAL could not bind port', 'fatal'],
    ['PANIC: runtime error', 'fatal'],
    ['java.lang.NullPointerException at Foo.bar', 'error'],
    ['TypeError: x is undefined', 'error'],
    ['Unhandled RangeError thrown', 'info'],
    ['DEBUG cache miss', 'debug'],
    ['TRACE enter fn', 'trace'],
    ['server started on port 3000', 'info'],
    ['errors=0 warnings=0 all good', 'info'],
    ['RAS APP FAILURE ciod: lost link to node', 'error'],
    ['E1205 04:03:52.123456       1 reflector.go:138] failed to list *v1.Pod', 'error'],
    ['W1205 04:03:52.123456       1 warnings.go:70] deprecated API', 'warn'],
    ['I1205 04:03:52.123456       1 leaderelection.go:248] attempting to acquire lease', 'info'],
    ['F1205 04:03:52.123456       1 server.go:99] cannot listen', 'fatal'],
    ['fail: Microsoft.AspNetCore.Server.Kestrel[13]', 'error'],
    ['crit: Microsoft.Hosting.Lifetime[0]', 'fatal'],
    ['warn: Microsoft.AspNetCore.HttpsPolicy[3]', 'warn'],
    ['info: Microsoft.Hosting.Lifetime[0]', 'info'],
    ['[04:03:52 WRN] Slow query 1250 ms', 'warn'],
    ['[04:03:52 FTL] Host terminated unexpectedly', 'fatal'],
    ['[WRN] pool low', 'warn'],
    ['fail to see why: a note', 'info'],
    ['FATA[0003] cannot open config', 'fatal'],
    ['ERRO[0002] request failed', 'error'],
    ['WARN[0001] retrying', 'warn'],
    ['no failure, FAILURES=0', 'info'],
  ])('%s -> %s', (line, level) => {
    expect(text(line).level).toBe(level);
    expect(levelFromText(line)).toBe(level);
  });

  it('takes the receive time for a line without a timestamp', () => {
    expect(text('just a line').time).toBe(RECEIVED.toISOString());
  });
});

describe('line endings, BOM and blank lines', () => {
  it('strips a BOM and CRLF', () => {
    const r = text('\uFEFF2026-01-02T03:04:05Z ERROR from windows\r\n');
    expect(r).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      level: 'error',
      msg: '2026-01-02T03:04:05Z ERROR from windows',
    });
    expect(text('plain\n').msg).toBe('plain');
    expect(text('plain\r\r\n').msg).toBe('plain');
  });

  it('keeps inner whitespace and carriage returns', () => {
    expect(text('  indented\tline  ').msg).toBe('  indented\tline  ');
    expect(text('a\rb').msg).toBe('a\rb');
  });

  it.each(['', ' ', '\t\t', '\r\n', '\n', '\uFEFF', '\uFEFF\r\n', '   \r\n'])('rejects blank line %j', (line) => {
    expect(normalizeLine(line, RECEIVED)).toEqual({ ok: false, reason: 'empty line' });
    expect(normalizeRecord(line, RECEIVED)).toEqual({ ok: false, reason: 'empty line' });
  });

  it('reads a JSON line with a BOM and CRLF as JSON', () => {
    const r = normalizeLine(
      '\uFEFF  {"level":"error","message":"json","timestamp":"2026-01-02T03:04:05Z"}\r\n',
      RECEIVED,
    );
    expect(r.ok && r.record).toEqual({ time: '2026-01-02T03:04:05.000Z', level: 'error', msg: 'json' });
  });
});
