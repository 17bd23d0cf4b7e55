// winston levels map through the schema's one table: a level named like an Object.prototype member
// ("constructor", "__proto__") once mapped to that member (a function or an object as the level).
import { InMemorySender } from '@cloudsage/node';
import { describe, expect, it } from 'vitest';
import { expectStoredAsInfo, INHERITED_NAMES } from '../../node/test/helpers/inherited-levels.js';
import { CloudSageTransport, toCloudSageLevel, toRecord } from '../src/index.js';

// triple-beam's symbols: the level before colorize, and the line winston's json() format rendered.
const LEVEL = Symbol.for('level');
const MESSAGE = Symbol.for('message');

/** A winston info object with a custom level, as the logger hands it to its transports. */
function infoOf(level: string, message: string): Record<string | symbol, unknown> {
  return { level, message, [LEVEL]: level, [MESSAGE]: JSON.stringify({ level, message }) };
}

describe('winston levels named like Object.prototype members', () => {
  it.each(INHERITED_NAMES)('toCloudSageLevel and toRecord map %s to info, keeping the winston level', (name) => {
    expect(toCloudSageLevel(name)).toBe('info');
    const record = toRecord(infoOf(name, 'm'));
    expect(record.level).toBe('info');
    expect(record['winston.level']).toBe(name);
  });

  it('the transport ships them as info, and info is what is stored', async () => {
    const sink = new InMemorySender();
    const transport = new CloudSageTransport({ sender: sink, exitHooks: false });
    for (const name of INHERITED_NAMES) transport.log(infoOf(name, `custom ${name}`), () => {});
    await transport.flush();
    expect(sink.records).toHaveLength(INHERITED_NAMES.length);
    expect(sink.records.map((r) => r.level)).toEqual(INHERITED_NAMES.map(() => 'info'));
    expectStoredAsInfo(sink.records);
    await transport.close();
  });

  it('still maps the npm and syslog levels, now in any case', () => {
    expect(['silly', 'verbose', 'http', 'notice', 'warning', 'crit', 'alert', 'emerg'].map(toCloudSageLevel)).toEqual([
      'trace',
      'debug',
      'info',
      'info',
      'warn',
      'fatal',
      'fatal',
      'fatal',
    ]);
    expect(['ERROR', 'Warn', 'critical', 'custom', 42].map(toCloudSageLevel)).toEqual([
      'error',
      'warn',
      'fatal',
      'info',
      'info',
    ]);
  });
});
