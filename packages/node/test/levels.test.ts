// Levels go through the schema's one table: a level named like an Object.prototype member ("constructor",
// "__proto__") once ranked as that member (a function or an object instead of a number).
import { LEVELS } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { CloudSage, InMemorySender } from '../src/index.js';
import { levelRank, lineLevelRank } from '../src/serialize.js';
import { expectStoredAsInfo, INHERITED_NAMES } from './helpers/inherited-levels.js';

describe('levelRank() and lineLevelRank()', () => {
  it('rank the six, the other names the schema knows in any case, and pino numbers', () => {
    expect(LEVELS.map(levelRank)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(['warning', 'critical', 'err', 'panic', 'WARN', 'Error'].map(levelRank)).toEqual([40, 60, 50, 60, 40, 50]);
    expect([35, Number.NaN, 'custom', '', undefined, {}].map(levelRank)).toEqual([35, 30, 30, 30, 30, 30]);
    expect(lineLevelRank('{"level":50,"msg":"x"}')).toBe(50);
    expect(lineLevelRank('{"level":"warning","msg":"x"}')).toBe(40);
  });

  it.each(INHERITED_NAMES)('rank a level named %s as info', (name) => {
    expect(levelRank(name)).toBe(30);
    expect(lineLevelRank(JSON.stringify({ level: name, msg: 'm' }))).toBe(30);
  });
});

describe('the client', () => {
  it('ships records whose level is named like an Object.prototype member, and they are stored as info', async () => {
    const raw = new InMemorySender();
    const parsed = new InMemorySender();
    const client = new CloudSage({ sender: raw, exitHooks: false });
    // beforeSend makes writeLine parse the line and take log()'s way.
    const hooked = new CloudSage({ sender: parsed, exitHooks: false, beforeSend: (r) => r });
    for (const name of INHERITED_NAMES) {
      client.log({ level: name, msg: `log ${name}` });
      client.writeLine(JSON.stringify({ level: name, msg: `line ${name}` }));
      hooked.writeLine(JSON.stringify({ level: name, msg: `parsed ${name}` }));
    }
    await Promise.all([client.flush(), hooked.flush()]);
    const shipped = [...raw.records, ...parsed.records];
    expect(shipped).toHaveLength(3 * INHERITED_NAMES.length);
    expectStoredAsInfo(shipped);
    await Promise.all([client.shutdown(), hooked.shutdown()]);
  });
});
