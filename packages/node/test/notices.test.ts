// The one path for problems: onError each time, a coded warning line the first time a code occurs,
// then at most one summary a minute with the count since (what pino's worker reporter used to do).
import { describe, expect, it } from 'vitest';
import { CloudSageError } from '../src/errors.js';
import { Notices } from '../src/notices.js';
import { ManualClock } from './helpers/manual-clock.js';

describe('Notices', () => {
  it('warns once per code, then sums up at most once a minute, by timer when nothing else comes', async () => {
    const clock = new ManualClock();
    const lines: Array<[string, string]> = [];
    const hooked: string[] = [];
    const notices = new Notices(
      clock,
      (m, code) => lines.push([m, code]),
      (e) => hooked.push(e.code),
    );
    const failed = new CloudSageError('batch_expired', 'gave up 3 record(s): unreachable');
    notices.notify(failed, 3);
    notices.notify(failed, 3);
    notices.notify(new CloudSageError('buffer_overflow', 'dropped 1 log record(s): full'), 1, false);
    expect(lines).toEqual([
      ['gave up 3 record(s): unreachable', 'CLOUDSAGE_BATCH_EXPIRED'],
      ['dropped 1 log record(s): full', 'CLOUDSAGE_BUFFER_OVERFLOW'],
    ]);
    expect(hooked).toEqual(['batch_expired', 'batch_expired']);
    await clock.advance(59_999);
    expect(lines).toHaveLength(2);
    await clock.advance(1);
    expect(lines[2]).toEqual([
      '3 more record(s) in the last minute; latest: gave up 3 record(s): unreachable',
      'CLOUDSAGE_BATCH_EXPIRED',
    ]);
    // Quiet since: no line; a new notice within the next minute waits for its summary, flush() says it.
    notices.notify(failed, 5);
    expect(lines).toHaveLength(3);
    notices.flush();
    expect(lines[3]![0]).toMatch(/^5 more record\(s\)/);
    expect(lines).toHaveLength(4);
  });

  it('survives a sink that throws', () => {
    const notices = new Notices(
      new ManualClock(),
      () => {
        throw new Error('stderr closed');
      },
      () => {},
    );
    expect(() => notices.notify(new CloudSageError('internal_error', 'x'), 0)).not.toThrow();
  });
});
