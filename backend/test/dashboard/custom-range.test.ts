import { describe, expect, it } from 'vitest';
import {
  customQuery,
  customRangeError,
  fromLocalInput,
  pageChartBounds,
  pageRangeDays,
  pageRangeOf,
  toLocalInput,
  zoomRange,
} from '../../dashboard/src/lib/time-range.js';

// A custom range in the URL (`range=custom&from&to`), in Node; the browser suite drags one on screen.

const NOW = Date.parse('2026-12-04T12:00:00Z');
const H = 3_600_000;

describe('custom time range', () => {
  it('reads a sound custom range from the query and writes it back the same', () => {
    const from = NOW - 3 * H;
    const to = NOW - H;
    const query = new URLSearchParams(customQuery({ from, to }));
    expect(query.toString()).toBe('range=custom&from=2026-12-04T09%3A00%3A00.000Z&to=2026-12-04T11%3A00%3A00.000Z');
    expect(pageRangeOf(query, NOW)).toEqual({ id: 'custom', from, to });
    // Presets read as before.
    expect(pageRangeOf(new URLSearchParams('range=7d'), NOW)).toEqual({ id: '7d' });
    expect(pageRangeOf(new URLSearchParams(''), NOW)).toEqual({ id: '24h' });
  });

  it('falls back to the default for a custom range that is missing, malformed or absurd', () => {
    const read = (q: string) => pageRangeOf(new URLSearchParams(q), NOW);
    expect(read('range=custom')).toEqual({ id: '24h' });
    expect(read('range=custom&from=yesterday&to=2026-12-04T11:00:00Z')).toEqual({ id: '24h' });
    expect(read('range=custom&from=2026-12-04T11:00:00Z&to=2026-12-04T10:00:00Z')).toEqual({ id: '24h' });
    expect(read('range=custom&from=2020-01-01T00:00:00Z&to=2026-12-04T10:00:00Z')).toEqual({ id: '24h' });
  });

  it('says why a typed range is refused', () => {
    expect(customRangeError(NOW - H, NOW, NOW)).toBeUndefined();
    expect(customRangeError(Number.NaN, NOW, NOW)).toMatch(/both/);
    expect(customRangeError(NOW, NOW - H, NOW)).toMatch(/before the end/);
    expect(customRangeError(NOW - 30_000, NOW, NOW)).toMatch(/at least a minute/);
    expect(customRangeError(NOW - 400 * 24 * H, NOW, NOW)).toMatch(/last year/);
    expect(customRangeError(NOW + H, NOW + 2 * H, NOW)).toMatch(/future/);
  });

  it('fetches every day back to the start and gives the chart exactly the span', () => {
    const range = { id: 'custom' as const, from: NOW - 50 * H, to: NOW - 40 * H };
    expect(pageRangeDays(range, NOW)).toBe(3);
    expect(pageRangeDays({ id: '7d' }, NOW)).toBe(7);
    expect(pageChartBounds(range, NOW, NOW + 24 * H)).toEqual({
      min: (NOW - 50 * H) / 1000,
      max: (NOW - 40 * H) / 1000,
    });
    // A custom range reaching now leaves a third of its span for the forecast, as a preset does.
    expect(pageChartBounds({ id: 'custom', from: NOW - 3 * H, to: NOW }, NOW, NOW + 24 * H)).toEqual({
      min: (NOW - 3 * H) / 1000,
      max: (NOW + H) / 1000,
    });
  });

  it('orders a zoom and widens one narrower than a minute about its middle', () => {
    expect(zoomRange(NOW, NOW - H)).toEqual({ from: NOW - H, to: NOW });
    expect(zoomRange(NOW - 10_000, NOW + 10_000)).toEqual({ from: NOW - 30_000, to: NOW + 30_000 });
  });

  it('round-trips datetime-local values in the viewer time zone', () => {
    const at = new Date(2026, 11, 4, 9, 30).getTime();
    expect(toLocalInput(at)).toBe('2026-12-04T09:30');
    expect(fromLocalInput('2026-12-04T09:30')).toBe(at);
    expect(fromLocalInput('')).toBeNaN();
    expect(fromLocalInput('4 Dec 2026')).toBeNaN();
  });
});
