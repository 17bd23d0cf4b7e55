import { describe, expect, it } from 'vitest';
import { groupPrior, judgeRate } from '../src/score/error-rate.js';
import { expectation } from '../src/score/stats.js';

// lab-4 at 01:45, four minutes into the project: inventory fails ~8% of its lookups on a stale cache key
// (three windows of its own history), the project as a whole 1.6%.
const project = { center: 0.0164, sigma: 0.0105, n: 2.5 };
const inventory = { center: 0.0788, spread: 0.011, n: 3, w: 2.5 };

describe('the prior of one service error rate', () => {
  it('gives way where the service history sits far from the project rate', () => {
    const prior = groupPrior(inventory, project);
    expect(prior.weight).toBeLessThan(0.5);
    const exp = expectation(inventory, prior);
    expect(exp.center).toBeGreaterThan(0.07);
    // 40 errors in 294 lines (13.6%) is that service's ordinary noise, not a tripling.
    expect(judgeRate(40, 294, exp, 276, 0.83).risk).toBeLessThan(0.3);
    // Held at 3 windows, the project's 1.6% dragged its usual to 4.5% and the minute read 38.
    const held = expectation(inventory, { ...prior, weight: 3 });
    expect(judgeRate(40, 294, held, 276, 0.83).risk).toBeGreaterThan(0.3);
  });

  it('keeps its hold on a history learned in alarm or close to the project', () => {
    // Three incident windows at 40% taught at a twentieth of a window each.
    expect(groupPrior({ center: 0.4, spread: 0.01, n: 3, w: 0.15 }, project).weight).toBeGreaterThan(2);
    expect(groupPrior({ center: 0.02, spread: 0.005, n: 3, w: 3 }, project).weight).toBe(3);
    expect(groupPrior(undefined, project).weight).toBe(3);
  });

  it('still flags the service when it really goes bad', () => {
    const exp = expectation(inventory, groupPrior(inventory, project));
    expect(judgeRate(150, 300, exp, 276, 0.83).risk).toBeGreaterThan(0.6);
  });
});
