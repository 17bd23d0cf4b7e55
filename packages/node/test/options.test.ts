import { describe, expect, it } from 'vitest';
import { CloudSage, CloudSageError } from '../src/index.js';
import { resolveOptions } from '../src/options.js';

describe('options', () => {
  it('fills the documented defaults', () => {
    const o = resolveOptions({ endpoint: 'http://127.0.0.1:3001/', apiKey: 'csk_x' });
    expect(o.endpoint).toBe('http://127.0.0.1:3001');
    expect(o.batch).toEqual({ maxRecords: 1000, maxBytes: 1024 * 1024, maxWaitMs: 1000 });
    expect(o.retry).toEqual({
      retries: undefined,
      minDelayMs: 250,
      maxDelayMs: 30_000,
      maxAgeMs: 600_000,
      reprobeMs: 60_000,
    });
    expect(o.exitHooks).toEqual({ timeoutMs: 5000 });
    expect(o.dropPolicy).toBe('oldest-low-first');
    expect(o.redact).toMatchObject({ defaults: true, paths: [] });
  });

  it('takes the full ingest URL as the endpoint, keeps other path prefixes, and the old retry budget name', () => {
    expect(resolveOptions({ endpoint: 'http://127.0.0.1:3001/api/ingest', apiKey: 'k' }).endpoint).toBe(
      'http://127.0.0.1:3001',
    );
    expect(resolveOptions({ endpoint: 'https://h.example/cloudsage/', apiKey: 'k' }).endpoint).toBe(
      'https://h.example/cloudsage',
    );
    expect(resolveOptions({ endpoint: 'http://h', apiKey: 'k', retry: { maxRetryTimeMs: 5000 } }).retry).toMatchObject({
      maxAgeMs: 5000,
    });
  });

  it.each([
    [{}, /endpoint and apiKey are required/],
    [{ endpoint: 'not a url', apiKey: 'k' }, /endpoint/],
    [{ endpoint: 'ftp://x', apiKey: 'k' }, /endpoint/],
    [{ endpoint: 'http://x', apiKey: 'k', batch: { maxRecords: 20_000 } }, /batch.maxRecords/],
    [{ endpoint: 'http://x', apiKey: 'k', beforeSend: 'nope' }, /beforeSend must be a function/],
    [{ endpoint: 'http://x', apiKey: 'k', bogus: 1 }, /bogus/],
  ])('fails fast with invalid_options for %j', (options, message) => {
    let caught: unknown;
    try {
      new CloudSage(options as never);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CloudSageError);
    expect((caught as CloudSageError).code).toBe('invalid_options');
    expect((caught as CloudSageError).message).toMatch(message);
  });
});
