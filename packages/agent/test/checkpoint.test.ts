import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checkpoint } from '../src/checkpoint.js';

const range = (end: number) => ({ id: '1:2', path: 'a.log', gen: 0, start: end - 10, end });

describe('Checkpoint', () => {
  it('keeps journaled batches across a crash, without the acknowledged ones and a torn last line', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cs-cp-')), 'checkpoint.json');
    const warnings: string[] = [];
    const cp = Checkpoint.open(path, (m) => warnings.push(m));
    cp.state.files['1:2'] = { path: 'a.log', offset: 0, head: 'abcd' };
    cp.save();
    cp.journal({ key: 'k-0', records: 1, ranges: [range(10)] });
    cp.journal({ key: 'k-1', records: 1, ranges: [range(20)] });
    // k-0 acknowledged; the snapshot is written later (lazily), so only the offset moves in memory.
    cp.state.files['1:2']!.offset = 10;
    cp.state.pending.shift();
    cp.save();
    cp.journal({ key: 'k-2', records: 1, ranges: [range(30)] });
    appendFileSync(`${path}.journal`, '{"key":"k-3","rec'); // the process died mid-append

    const again = Checkpoint.open(path, (m) => warnings.push(m));
    expect(again.state.files['1:2']!.offset).toBe(10);
    expect(again.state.pending.map((p) => p.key)).toEqual(['k-1', 'k-2']);
    expect(warnings).toEqual([expect.stringContaining('torn journal line')]);
  });

  it('ignores an unreadable snapshot with a warning instead of failing', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cs-cp-')), 'checkpoint.json');
    writeFileSync(path, '{"version":1,"files":');
    const warnings: string[] = [];
    expect(Checkpoint.open(path, (m) => warnings.push(m)).state).toEqual({ version: 1, files: {}, pending: [] });
    expect(warnings[0]).toContain('is not valid and is ignored');
  });
});
