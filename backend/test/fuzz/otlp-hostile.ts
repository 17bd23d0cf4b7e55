import fc from 'fast-check';
import { deepJson, headerValue, hostileString, jsonText } from './hostile.js';

/**
 * Hostile OTLP ExportLogsServiceRequest bodies, both encodings. Protobuf is written by a tiny
 * encoder here (field numbers from opentelemetry-proto v1), so a body can carry what no SDK
 * would send: negative varints, wrong lengths, ids of any size and AnyValue nested thousands deep.
 */

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
const tag = (field: number, wireType: number) => varint((field << 3) | wireType);
const ld = (field: number, bytes: Buffer) =>
  Buffer.concat([Buffer.from(tag(field, 2)), Buffer.from(varint(bytes.length)), bytes]);
const vi = (field: number, n: number | bigint) => Buffer.from([...tag(field, 0), ...varint(n)]);
const str = (field: number, s: string) => ld(field, Buffer.from(s));
function fixed64(field: number, n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, n));
  return Buffer.concat([Buffer.from(tag(field, 1)), b]);
}
function double(field: number, d: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(d);
  return Buffer.concat([Buffer.from(tag(field, 1)), b]);
}

/** AnyValue nested `depth` deep through kvlist and array values, built once per depth. */
function deepAnyValue(depth: number): Buffer {
  let v = str(1, 'bottom');
  for (let i = 0; i < depth; i++) {
    v = i % 2 ? ld(5, ld(1, v)) : ld(6, ld(1, Buffer.concat([str(1, 'k'), ld(2, v)])));
  }
  return v;
}
const DEEP_PROTO = [64, 1000, 6000].map(deepAnyValue);

const bigintish = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.constantFrom(0n, 1764072000000000000n, 2n ** 64n - 1n, -1n),
);

const protoAnyValue: fc.Arbitrary<Buffer> = fc.letrec<{ v: Buffer }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    { weight: 3, arbitrary: hostileString.map((s) => str(1, s)) },
    { weight: 1, arbitrary: fc.boolean().map((b) => vi(2, b ? 1 : 0)) },
    { weight: 1, arbitrary: bigintish.map((n) => vi(3, n)) },
    { weight: 1, arbitrary: fc.double().map((d) => double(4, d)) },
    {
      weight: 1,
      arbitrary: fc.array(tie('v'), { maxLength: 3 }).map((vs) => ld(5, Buffer.concat(vs.map((v) => ld(1, v))))),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(hostileString, tie('v')), { maxLength: 3 })
        .map((kvs) => ld(6, Buffer.concat(kvs.map(([k, v]) => ld(1, Buffer.concat([str(1, k), ld(2, v)])))))),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => ld(7, Buffer.from(b))) },
  ),
})).v;

const protoKv = fc.tuple(hostileString, protoAnyValue).map(([k, v]) => Buffer.concat([str(1, k), ld(2, v)]));

const protoRecord = fc
  .record(
    {
      time: bigintish.map((n) => fixed64(1, n)),
      severity: fc.integer().map((n) => vi(2, n)),
      severityText: hostileString.map((s) => str(3, s)),
      body: protoAnyValue.map((v) => ld(5, v)),
      attributes: fc.array(protoKv, { maxLength: 3 }).map((kvs) => Buffer.concat(kvs.map((kv) => ld(6, kv)))),
      traceId: fc.uint8Array({ maxLength: 20 }).map((b) => ld(9, Buffer.from(b))),
      spanId: fc.uint8Array({ maxLength: 10 }).map((b) => ld(10, Buffer.from(b))),
      flags: fc.nat().map((n) => {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(n >>> 0);
        return Buffer.concat([Buffer.from(tag(8, 5)), b]);
      }),
      eventName: hostileString.map((s) => str(12, s)),
    },
    { requiredKeys: [] },
  )
  .map((r) => Buffer.concat(Object.values(r)));

/** A protobuf ExportLogsServiceRequest with hostile values, and sometimes bytes that are not one. */
export const protoBody: fc.Arbitrary<Buffer> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.array(protoKv, { maxLength: 3 }),
        fc.option(hostileString),
        fc.array(protoRecord, { maxLength: 8 }),
        // Now and then one record whose body is nested thousands deep (see deepRecord).
        fc.option(fc.constantFrom(...DEEP_PROTO), { freq: 16 }),
      )
      .map(([resourceAttrs, scopeName, records, deep]) => {
        const resource = ld(1, Buffer.concat(resourceAttrs.map((kv) => ld(1, kv))));
        const scope = scopeName === null ? Buffer.alloc(0) : ld(1, str(1, scopeName));
        const all = deep === null ? records : [...records, ld(5, deep)];
        const scopeLogs = ld(2, Buffer.concat([scope, ...all.map((r) => ld(2, r))]));
        return ld(1, Buffer.concat([resource, scopeLogs]));
      }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  // A length prefix that promises more than the body holds.
  { weight: 1, arbitrary: fc.nat().map((n) => Buffer.from([0x0a, ...varint(n + 10), 0x0a, 0x00])) },
);

const jsonAnyValue: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    { weight: 3, arbitrary: hostileString.map((s) => `{"stringValue":${JSON.stringify(s)}}`) },
    { weight: 1, arbitrary: jsonText.map((t) => `{"boolValue":${t}}`) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          bigintish.map((n) => `"${n}"`),
          jsonText,
        )
        .map((t) => `{"intValue":${t}}`),
    },
    { weight: 1, arbitrary: jsonText.map((t) => `{"doubleValue":${t}}`) },
    { weight: 1, arbitrary: hostileString.map((s) => `{"bytesValue":${JSON.stringify(s)}}`) },
    {
      weight: 1,
      arbitrary: fc.array(tie('v'), { maxLength: 3 }).map((vs) => `{"arrayValue":{"values":[${vs.join(',')}]}}`),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(hostileString, tie('v')), { maxLength: 3 })
        .map(
          (kvs) =>
            `{"kvlistValue":{"values":[${kvs.map(([k, v]) => `{"key":${JSON.stringify(k)},"value":${v}}`).join(',')}]}}`,
        ),
    },
    { weight: 1, arbitrary: jsonText },
  ),
})).v;

/** A record whose body, attribute or time is nested thousands deep; bodies add one now and then. */
const jsonDeepRecord: fc.Arbitrary<string> = fc.oneof(
  fc
    .integer({ min: 64, max: 3000 })
    .map(
      (d) =>
        `{"body":${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(d)}{"stringValue":"x"}${'}]}}'.repeat(d)}}`,
    ),
  deepJson.map((d) => `{"attributes":[{"key":"k","value":${d}}]}`),
  deepJson.map((d) => `{"timeUnixNano":${d},"severityNumber":${d}}`),
);

const jsonKv = fc.tuple(hostileString, jsonAnyValue).map(([k, v]) => `{"key":${JSON.stringify(k)},"value":${v}}`);
const field = (name: string, value: fc.Arbitrary<string>) => value.map((v) => `${JSON.stringify(name)}:${v}`);

const jsonRecord = fc
  .record(
    {
      time: field(
        'timeUnixNano',
        fc.oneof(
          bigintish.map((n) => `"${n}"`),
          jsonText,
        ),
      ),
      severity: field('severityNumber', fc.oneof(fc.integer().map(String), jsonText)),
      severityText: field(
        'severityText',
        hostileString.map((s) => JSON.stringify(s)),
      ),
      body: field('body', jsonAnyValue),
      attributes: field(
        'attributes',
        fc.array(jsonKv, { maxLength: 3 }).map((kvs) => `[${kvs.join(',')}]`),
      ),
      traceId: field(
        'traceId',
        fc.oneof(
          fc.uint8Array({ maxLength: 20 }).map((b) => `"${Buffer.from(b).toString('hex')}"`),
          jsonText,
        ),
      ),
      spanId: field(
        'spanId',
        fc.oneof(
          fc.uint8Array({ maxLength: 10 }).map((b) => `"${Buffer.from(b).toString('hex')}"`),
          jsonText,
        ),
      ),
      flags: field('flags', fc.oneof(fc.nat().map(String), jsonText)),
    },
    { requiredKeys: [] },
  )
  .map((r) => `{${Object.values(r).join(',')}}`);

/** An OTLP/JSON body with hostile values, where any level may also be the wrong type. */
export const jsonBody: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.array(jsonKv, { maxLength: 3 }),
        fc.oneof(
          fc
            .tuple(fc.array(jsonRecord, { maxLength: 8 }), fc.option(jsonDeepRecord, { freq: 16 }))
            .map(([rs, deep]) => `[${(deep === null ? rs : [...rs, deep]).join(',')}]`),
          jsonText,
        ),
        headerValue,
      )
      .map(
        ([attrs, records, scope]) =>
          `{"resourceLogs":[{"resource":{"attributes":[${attrs.join(',')}]},"scopeLogs":[{"scope":{"name":${JSON.stringify(scope)}},"logRecords":${records}}]}]}`,
      ),
  },
  { weight: 1, arbitrary: jsonText },
  { weight: 1, arbitrary: jsonText.map((t) => `{"resourceLogs":${t}}`) },
);
