import type { Transform } from 'node:stream';
import type { CloudSage, FlushResult } from '@cloudsage/node';
import { describe, expectTypeOf, it } from 'vitest';
import cloudsageTransport, { type CloudSagePinoOptions, type CloudSageStream, createStream } from '../src/index.js';

describe('public types', () => {
  it('builds a Transform with the client and a flush that takes pino’s callback', () => {
    expectTypeOf(createStream).parameter(0).toEqualTypeOf<CloudSagePinoOptions>();
    expectTypeOf(createStream).returns.toEqualTypeOf<CloudSageStream>();
    expectTypeOf<CloudSageStream>().toMatchTypeOf<Transform>();
    expectTypeOf<CloudSageStream['client']>().toEqualTypeOf<CloudSage>();
    expectTypeOf<CloudSageStream['flush']>().returns.toEqualTypeOf<Promise<FlushResult>>();
    expectTypeOf(cloudsageTransport).returns.toEqualTypeOf<Promise<CloudSageStream>>();
    expectTypeOf<CloudSagePinoOptions['shutdownTimeoutMs']>().toEqualTypeOf<number | undefined>();
  });
});
