import type { CloudSage, FlushResult } from '@cloudsage/node';
import type { Format } from 'logform';
import { describe, expectTypeOf, it } from 'vitest';
import type TransportStream from 'winston-transport';
import { type CloudSageTransport, type CloudSageWinstonOptions, cloudsageTraceFormat } from '../src/index.js';

describe('public types', () => {
  it('is a winston-transport with the client, flush and close', () => {
    expectTypeOf<CloudSageTransport>().toMatchTypeOf<TransportStream>();
    expectTypeOf<ConstructorParameters<typeof CloudSageTransport>[0]>().toEqualTypeOf<CloudSageWinstonOptions>();
    expectTypeOf<CloudSageTransport['client']>().toEqualTypeOf<CloudSage>();
    expectTypeOf<CloudSageTransport['flush']>().returns.toEqualTypeOf<Promise<FlushResult>>();
    expectTypeOf<CloudSageTransport['close']>().returns.toEqualTypeOf<Promise<FlushResult>>();
    expectTypeOf(cloudsageTraceFormat).returns.toEqualTypeOf<Format>();
  });
});
