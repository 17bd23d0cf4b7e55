import { describe, expect, it } from 'vitest';
import type { Batch, SendResult, Transport } from '../src/index.js';
import { CloudSage, createRedactor, InMemorySink } from '../src/index.js';
import { cuesOf, defaultPatterns } from '../src/redact.js';
import { rng } from './helpers/rng.js';

const r = createRedactor({});
const line = (o: unknown) => r.redactLine(JSON.stringify(o));
const jwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('default redaction patterns', () => {
  it.each([
    ['bearer token', { msg: 'auth: Bearer abc.DEF-123_xyz' }, 'abc.DEF-123_xyz'],
    ['csk_ key', { msg: 'using key csk_live_9f8e7d6c5b4a' }, 'csk_live_9f8e7d6c5b4a'],
    ['JWT', { msg: `token ${jwt}` }, jwt],
    ['AWS access key id', { msg: 'creds AKIAIOSFODNN7EXAMPLE loaded' }, 'AKIAIOSFODNN7EXAMPLE'],
    ['password in key=value text', { msg: 'login user=bob password=hunter2 ok' }, 'hunter2'],
    ['password as JSON field', { user: 'bob', password: 'hunter 2 "quoted"' }, 'hunter 2'],
    ['numeric secret JSON field', { apiKey: 123456789 }, '123456789'],
    ['camelCase secret field', { accessToken: 'tok-abc' }, 'tok-abc'],
    ['email', { msg: 'mail sent to alice.smith+tag@example.co.uk' }, 'alice.smith+tag@example.co.uk'],
    ['card number', { msg: 'card 4111 1111 1111 1111 charged' }, '4111 1111 1111 1111'],
  ])('removes a %s and keeps the line valid JSON', (_name, record, secret) => {
    const out = line(record);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('leaves ordinary content alone: epoch-ms times, ids, words like "tokens", non-Luhn numbers', () => {
    const record = { time: 1767225600000, msg: 'used 12 tokens', orderId: 4111111111111112, tokens: 5, path: '/api/x' };
    expect(JSON.parse(line(record))).toEqual(record);
  });

  it('does not break JSON when a secret word appears in a message or nested objects', () => {
    for (const o of [
      { msg: 'my password:', x: 1 },
      { password: { nested: 'x' } },
      { msg: 'say "token=abc"' },
      { token: null },
      { list: ['password=1', 'b'] },
    ]) {
      expect(() => JSON.parse(line(o))).not.toThrow();
    }
  });

  it('applies configured paths (with wildcards) without touching the caller object, plus user patterns', () => {
    const custom = createRedactor({
      paths: ['req.headers.authorization', 'users.*.ssn'],
      patterns: [/order-\d+/, { pattern: /tenant=\w+/g, replacement: 'tenant=?' }],
      replacement: '***',
      defaults: false,
    });
    const input = {
      req: { headers: { authorization: 'x', host: 'h' } },
      users: [{ ssn: '1' }, { ssn: '2' }],
      msg: 'order-42 tenant=acme a@b.co',
    };
    const out = custom.redactPaths(input);
    expect(input.req.headers.authorization).toBe('x');
    expect(out).toEqual({
      req: { headers: { authorization: '***', host: 'h' } },
      users: [{ ssn: '***' }, { ssn: '***' }],
      msg: input.msg,
    });
    expect(custom.redactLine(JSON.stringify({ msg: input.msg }))).toBe('{"msg":"*** tenant=? a@b.co"}');
  });

  it('redact: false turns it off', () => {
    expect(createRedactor(false).redactLine('{"password":"x"}')).toBe('{"password":"x"}');
  });
});

describe('redaction in the client', () => {
  it('removes secrets before anything is buffered: the first place a line exists is already clean', async () => {
    const seen: string[] = [];
    const spy: Transport = {
      async send(batch: Batch): Promise<SendResult> {
        seen.push(...batch.lines);
        return { kind: 'sent', status: 202 };
      },
    };
    const c = new CloudSage({ transport: spy, exitHooks: false, redact: { paths: ['req.headers.cookie'] } });
    const record = { msg: 'login bob@example.com', req: { headers: { cookie: 'sid=1' } }, password: 'hunter2' };
    c.log(record);
    record.password = 'changed after log';
    c.writeLine('{"level":30,"msg":"Bearer abcdefgh"}');
    await c.flush();
    expect(seen.join('\n')).not.toMatch(/hunter2|bob@example\.com|sid=1|abcdefgh|changed after log/);
    expect(record.req.headers.cookie).toBe('sid=1');
  });

  it('beforeSend sees path-redacted records, may change them or drop them (counted before_send)', async () => {
    const sink = new InMemorySink();
    const seen: unknown[] = [];
    const c = new CloudSage({
      transport: sink,
      exitHooks: false,
      redact: { paths: ['secret'] },
      beforeSend: (rec) => {
        seen.push(rec.secret);
        if (rec.msg === 'drop me') return null;
        return { ...rec, env: 'test' };
      },
    });
    c.info('keep', { secret: 's' });
    c.info('drop me');
    await c.flush();
    expect(seen).toEqual(['[REDACTED]', undefined]);
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({ msg: 'keep', env: 'test', secret: '[REDACTED]' });
    expect(c.stats().dropped.before_send).toBe(1);
  });

  it('writeLine takes the fast path without paths or beforeSend, and parses lines when they are configured', async () => {
    const sink = new InMemorySink();
    const fast = new CloudSage({ transport: sink, exitHooks: false });
    fast.writeLine('{"level":30,"time":1,"msg":"a"}\n');
    fast.writeLine('{"level":50,"msg":"b"}\n{"level":30,"msg":"c"}\n');
    await fast.flush();
    expect(sink.records).toEqual([
      { level: 30, time: 1, msg: 'a' },
      { level: 50, msg: 'b' },
      { level: 30, msg: 'c' },
    ]);
    const sink2 = new InMemorySink();
    const slow = new CloudSage({ transport: sink2, exitHooks: false, redact: { paths: ['user.email'] } });
    slow.writeLine('{"level":30,"time":1,"msg":"x","user":{"email":"q"}}');
    await slow.flush();
    expect(sink2.records[0]).toEqual({ level: 30, time: 1, msg: 'x', user: { email: '[REDACTED]' } });
  });
});

describe('the one scan that answers every hint of the default patterns', () => {
  // Hint words in odd cases and overlapping one another ("keyJ" hides "eyJ" from a scan that resumes
  // after each match; "passkey" holds two words), and near-misses of the case-sensitive hints.
  const pieces = [
    ...['Bearer abcd1234', 'BASIC Zm9v', 'csk_live_abcd', 'CSK_x', 'Csk_', 'AKIAIOSFODNN7EXAMPLE', 'ACCA', 'acca'],
    ...['media', 'password=hunter2', '"token":"x"', '"apiKey":12', 'COOKIE: a', 'SessionId=9', 'alice@example.com'],
    ...['eyJ', 'EYJ', 'eyj', 'keyJ', 'passkey', 'authorize', 'AUTHORIZ', 'credential', 'pwd', 'secretary', 'tok'],
    ...[jwt, '4111 1111 1111 1111', 'hello', '12:00', '"msg":"ok"', 'bas', 'cred', 'Ia', 'i', 'A'],
  ];
  const random = rng(20261205);
  const next = (n: number) => Math.floor(random() * n);
  const texts = Array.from({ length: 5000 }, () =>
    Array.from({ length: next(5) + 1 }, () => pieces[next(pieces.length)]).join(next(2) ? ' ' : ''),
  );

  it("sets a pattern's bit exactly when its own hint passes", () => {
    const hinted = defaultPatterns().filter((p) => p.hint);
    expect(hinted.every((p) => p.cue !== undefined)).toBe(true);
    for (const text of texts) {
      for (const p of hinted)
        expect([p.name, text, (cuesOf(text) & p.cue!) !== 0]).toEqual([p.name, text, p.hint!(text)]);
    }
  });

  it('changes no answer: a text redacts inside a run as it does alone', () => {
    for (const text of texts) {
      const alone = r.redactLine(text);
      const run = r.redactRun(text);
      expect(run === undefined ? alone !== text : run === alone).toBe(true);
    }
  });
});

describe('redaction keeps a JSON line JSON', () => {
  const r = createRedactor({});
  it('leaves the digits of a decimal fraction alone (fastify responseTime)', () => {
    // 4111111111111111 passes Luhn; as the fraction of a float it is no card number.
    const line = '{"level":30,"responseTime":807.4111111111111111,"msg":"request completed"}';
    expect(r.redactLine(line)).toBe(line);
    for (let i = 0; i < 2000; i++) {
      const t = `{"responseTime":${(Math.random() * 1000).toFixed(13)},"msg":"ok"}`;
      expect(() => JSON.parse(r.redactLine(t)), t).not.toThrow();
    }
  });

  it('redacts a card number held as a bare JSON number into a string, not into invalid JSON', () => {
    const out = r.redactLine('{"cc":4111111111111111,"msg":"paid with 4111 1111 1111 1111","n":3}');
    expect(JSON.parse(out)).toEqual({ cc: '[REDACTED]', msg: 'paid with [REDACTED]', n: 3 });
  });
});
