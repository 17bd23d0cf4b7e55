import { describe, expect, it } from 'vitest';
import { JsonBounds } from '../../src/services/ingest/json-bounds.js';
import { logsRequestBounds } from '../../src/services/ingest/otlp/otlp-proto.js';

function jsonFits(text: string, maxElements: number, maxDepth: number, split = 7): string {
  const bounds = new JsonBounds({ maxElements, maxDepth });
  const bytes = Buffer.from(text);
  try {
    // Chunked at an odd size so strings, escapes and items straddle chunk ends.
    for (let i = 0; i < bytes.length; i += split) bounds.push(bytes.subarray(i, i + split));
    return `ok ${bounds.elements}`;
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('JsonBounds', () => {
  it('counts array items at any depth, not object members or brackets inside strings', () => {
    expect(jsonFits('[{"a":[1,2,3]},{"b":"[[,,]]\\"["},[]]', 100, 10)).toBe('ok 6');
    expect(jsonFits('{"logs":[{},{},{}]}', 3, 10)).toBe('ok 3');
    expect(jsonFits('{"logs":[{},{},{}]}', 2, 10)).toBe('too_many_records');
    expect(jsonFits('[ ]', 0, 10)).toBe('ok 0');
  });

  it('allows exactly the depth limit and refuses one more', () => {
    expect(jsonFits(`${'['.repeat(32)}${']'.repeat(32)}`, 100, 32)).toBe('ok 31');
    expect(jsonFits(`${'['.repeat(33)}${']'.repeat(33)}`, 100, 32)).toBe('invalid_body');
  });
});

describe('ProtoBounds', () => {
  const run = (bytes: number[], maxElements = 100, maxRecords = 10, maxDepth = 32): string => {
    const bounds = logsRequestBounds({ maxElements, maxDepth, maxRecords });
    try {
      for (const b of bytes) bounds.push(Uint8Array.of(b));
      bounds.end();
      return `ok ${bounds.elements}/${bounds.records}`;
    } catch (err) {
      return (err as { code: string }).code;
    }
  };
  // resourceLogs { scopeLogs { logRecords { severityText "hi" } logRecords {} } }
  const request = [0x0a, 0x0a, 0x12, 0x08, 0x12, 0x04, 0x1a, 0x02, 0x68, 0x69, 0x12, 0x00];

  it('counts repeated entries and log records of a valid request', () => {
    expect(run(request)).toBe('ok 4/2');
    expect(run([])).toBe('ok 0/0');
  });

  it('stops at the element, record and depth limits and on truncation', () => {
    expect(run(request, 3)).toBe('too_many_records');
    expect(run(request, 100, 1)).toBe('too_many_records');
    expect(run(request, 100, 10, 2)).toBe('invalid_body');
    expect(run(request.slice(0, -3))).toBe('invalid_body');
    expect(run([0x0a, 0x05, 0x00])).toBe('invalid_body');
  });
});
