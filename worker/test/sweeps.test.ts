/**
 * The latency sweep (`worker/eval/sweeps/latency-sweep.sh`) backs the eval README's table of the `cpu`
 * target against false alarms; its patch must still apply to the scorer, or the table cannot be rerun.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('the latency sweep', () => {
  it('its patch applies to src/score/latency.ts as it stands', () => {
    const check = () =>
      execFileSync('git', ['apply', '--check', join('worker', 'eval', 'sweeps', 'latency-scales.patch')], {
        cwd: root,
        stdio: 'pipe',
      });
    expect(check).not.toThrow();
  });
});
