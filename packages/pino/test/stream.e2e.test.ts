// @cloudsage/pino as a stream in the app's own thread (`pino(stream)`, `pino.multistream`), against the
// real backend in this process: nothing blocks this thread, so the backend can answer here.
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { CloudSageError } from '@cloudsage/node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStream } from '../src/index.js';
import { type Backend, startBackend } from './support/backend.js';

let backend: Backend;
beforeAll(async () => {
  backend = await startBackend();
});
afterAll(async () => {
  await backend?.close();
});

async function recordsOf(run: string) {
  return (await backend.logs()).filter((r) => r.attributes?.run === run);
}

describe('createStream() in the app thread', () => {
  it('sends what pino.multistream routes to it, at that stream level, and flush() waits for delivery', async () => {
    const run = randomUUID();
    const stream = createStream({ endpoint: backend.url, apiKey: backend.ingestKey, exitHooks: false });
    const local = new PassThrough();
    const lines: string[] = [];
    local.on('data', (d: Buffer) => lines.push(d.toString()));
    const logger = pino(
      { level: 'debug', base: { run } },
      pino.multistream([
        { stream, level: 'warn' },
        { stream: local, level: 'debug' },
      ]),
    );
    logger.debug('local only');
    logger.warn({ attempt: 2 }, 'to both');
    logger.child({ tenant: 'acme' }).error(new Error('db down'), 'query failed');
    const result = await stream.flush();
    expect(result).toEqual({ sent: 2, dropped: 0, pending: 0 });

    const records = await recordsOf(run);
    expect(records.map((r) => [r.level, r.msg]).sort()).toEqual([
      ['error', 'query failed'],
      ['warn', 'to both'],
    ]);
    expect(records.find((r) => r.msg === 'query failed')?.attributes).toMatchObject({ tenant: 'acme' });
    expect(lines).toHaveLength(3);
    await stream.client.shutdown();
  });

  it('runs beforeSend and redact.paths (options that cannot cross into a worker) and calls logger.flush(cb) after delivery', async () => {
    const run = randomUUID();
    const errors: CloudSageError[] = [];
    const stream = createStream({
      endpoint: backend.url,
      apiKey: backend.ingestKey,
      exitHooks: false,
      redact: { paths: ['user.email'] },
      beforeSend: (record) => (record.msg === 'health check' ? null : { ...record, region: 'eu-1' }),
      onError: (e) => errors.push(e),
      stderr: { write: () => true },
    });
    const logger = pino({ base: { run } }, stream);
    logger.info('health check');
    logger.info({ user: { id: 1, email: 'ada@example.com' } }, 'signed in');
    await new Promise<void>((resolve) => logger.flush(() => resolve()));

    const records = await recordsOf(run);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      msg: 'signed in',
      attributes: { region: 'eu-1', user: { id: 1, email: '[REDACTED]' } },
    });
    expect(stream.client.stats().dropped.before_send).toBe(1);
    // The drop is reported once through onError (and not as a stderr line: `stderr` is given).
    expect(errors.map((e) => e.code)).toEqual(['before_send_failed']);
    await stream.client.shutdown();
  });

  it('awaits the final flush when the stream is ended', async () => {
    const run = randomUUID();
    const stream = createStream({ endpoint: backend.url, apiKey: backend.ingestKey, exitHooks: false });
    const logger = pino({ base: { run } }, stream);
    for (let seq = 0; seq < 100; seq++) logger.info({ seq }, 'then end');
    const closed = new Promise((resolve) => stream.once('close', resolve));
    stream.end();
    await closed;
    expect(stream.client.stats()).toMatchObject({ sent: 100, buffered: 0 });
    expect(await recordsOf(run)).toHaveLength(100);
  });
});
