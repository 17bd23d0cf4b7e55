// pino lines reach the client as text (writeLine, ranked by lineLevelRank): a level label named like an
// Object.prototype member ("constructor", "__proto__") is ranked and stored through the schema's table.
import { InMemorySender } from '@cloudsage/node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { expectStoredAsInfo, INHERITED_NAMES } from '../../node/test/helpers/inherited-levels.js';
import { createStream } from '../src/index.js';

describe('pino level labels named like Object.prototype members', () => {
  it('are shipped as written and stored as info', async () => {
    const sink = new InMemorySender();
    const stream = createStream({ sender: sink, exitHooks: false });
    for (const name of INHERITED_NAMES) {
      // A level formatter writes a label instead of pino's number (pino caches it: one logger a label).
      const logger = pino({ base: undefined, formatters: { level: () => ({ level: name }) } }, stream);
      logger.info(`custom ${name}`);
    }
    await stream.flush();
    expect(sink.records.map((r) => r.level)).toEqual(INHERITED_NAMES);
    expect(sink.records.map((r) => r.msg)).toEqual(INHERITED_NAMES.map((name) => `custom ${name}`));
    expectStoredAsInfo(sink.records);
    await stream.client.shutdown();
  });
});
