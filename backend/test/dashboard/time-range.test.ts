import { describe, expect, it } from 'vitest';
import { clipColumns } from '../../dashboard/src/lib/chart-data.js';
import { addTerm, facetTerm } from '../../dashboard/src/lib/log-query.js';
import { chartBounds, pointWindow, rangeDays, rangeOf } from '../../dashboard/src/lib/time-range.js';

// The time range's arithmetic, in Node; the browser suite checks the same on screen.

const NOW = Date.parse('2026-12-04T12:00:00Z');
const H = 3600;

describe('time range', () => {
  it('reads ?range, falling back to a day for a missing or unknown one', () => {
    expect(rangeOf(new URLSearchParams('range=7d'))).toBe('7d');
    expect(rangeOf(new URLSearchParams('range=2y'))).toBe('24h');
    expect(rangeOf(new URLSearchParams(''))).toBe('24h');
    expect([rangeDays('15m'), rangeDays('24h'), rangeDays('7d'), rangeDays('30d')]).toEqual([1, 1, 7, 30]);
  });

  it('gives history the whole range and the forecast at most a third more', () => {
    const day = NOW + 24 * H * 1000;
    expect(chartBounds('1h', NOW, day)).toEqual({ min: NOW / 1000 - H, max: NOW / 1000 + H / 3 });
    expect(chartBounds('30d', NOW, day)).toEqual({ min: NOW / 1000 - 30 * 24 * H, max: NOW / 1000 + 24 * H });
    // No forecast (or one already past): the axis ends now.
    expect(chartBounds('6h', NOW)).toEqual({ min: NOW / 1000 - 6 * H, max: NOW / 1000 });
    expect(chartBounds('6h', NOW, NOW - 1000).max).toBe(NOW / 1000);
  });

  it('clips chart columns to the bounds', () => {
    const c = {
      x: [1, 2, 3, 4],
      score: [10, 20, null, null],
      forecast: [null, 20, 30, 40],
      high: [],
      low: [],
      points: [],
    };
    const clipped = clipColumns(
      { ...c, high: c.forecast, low: c.forecast, points: [undefined, undefined, undefined, undefined] },
      2,
      3,
    );
    expect(clipped.x).toEqual([2, 3]);
    expect(clipped.score).toEqual([20, null]);
    expect(clipped.forecast).toEqual([20, 30]);
  });

  it("opens a point's logs from five minutes before to a minute after it", () => {
    expect(pointWindow(NOW)).toEqual({ from: '2026-12-04T11:55:00.000Z', to: '2026-12-04T12:01:00.000Z' });
  });

  it('quotes facet values the query grammar would split', () => {
    expect(facetTerm('service', 'checkout')).toBe('service:checkout');
    expect(facetTerm('host', 'web 1')).toBe('host:"web 1"');
    expect(addTerm('timeout', 'service:api')).toBe('timeout service:api');
    expect(addTerm('timeout service:api', 'service:api')).toBe('timeout service:api');
    // A term inside another is not the term.
    expect(addTerm('service:api-gw', 'service:api')).toBe('service:api-gw service:api');
  });
});
