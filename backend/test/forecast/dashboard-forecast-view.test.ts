import { describe, expect, it } from 'vitest';
import {
  evidenceLabel,
  evidenceQuery,
  forecastParts,
  localizeTimes,
  logsHref,
  searchTextOf,
} from '../../dashboard/src/lib/forecast-view.js';

// The dashboard's forecast card logic, run in Node (the browser suite shows it on screen).

const iso = (d: Date) => d.toISOString();

describe('forecast card view', () => {
  it('rewrites UTC times in forecast text into the viewer’s zone', () => {
    const out = localizeTimes('since 2026-11-24 09:10 UTC (7 windows), first seen 2026-11-25 23:59 UTC.', iso);
    expect(out).toBe('since 2026-11-24T09:10:00.000Z (7 windows), first seen 2026-11-25T23:59:00.000Z.');
    expect(localizeTimes('no times here')).toBe('no times here');
    // The default formatter runs (the browser's Intl refuses some option mixes with a TypeError).
    const local = localizeTimes('at 2026-11-24 09:10 UTC');
    expect(local).not.toContain('2026-11-24 09:10 UTC');
    expect(local).toMatch(/2026/);
  });

  it('splits a new forecast into its headline and detail lines without repeating the headline', () => {
    const headline = 'Risk for shop is 4 now (normal); next 24 h about 10 (likely 0-35).';
    const parts = forecastParts({ headline, text: `${headline}\nHigh Error Rate since x.\nConfidence low.` });
    expect(parts).toEqual({ headline, details: ['High Error Rate since x.', 'Confidence low.'] });
  });

  it('leads an older forecast (no headline) with its first sentence', () => {
    const parts = forecastParts({ text: 'Risk for shop is 42 now. High Error Rate since x. Confidence low.' });
    expect(parts).toEqual({
      headline: 'Risk for shop is 42 now.',
      details: ['High Error Rate since x.', 'Confidence low.'],
    });
  });

  it('links an action to the logs view filtered by its time range, service, template text and level', () => {
    const e = {
      from: '2026-11-25T09:50:00.000Z',
      to: '2026-11-25T10:30:00.000Z',
      service: 'checkout',
      template: 'db timeout after <NUM>ms on query <*>',
      release: 'v2.15.0',
    };
    expect(searchTextOf(e.template)).toBe('db timeout after');
    const url = new URL(logsHref('p 1', e), 'http://x');
    expect(url.pathname).toBe('/projects/p%201');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tab: 'logs',
      from: e.from,
      to: e.to,
      q: 'service:checkout "db timeout after"',
      level: 'warn',
    });
    const bySvc = new URL(logsHref('p1', { from: e.from, to: e.to, service: 'checkout' }), 'http://x');
    expect(bySvc.searchParams.get('q')).toBe('service:checkout');
    expect(bySvc.searchParams.has('level')).toBe(false);
    // A phrase cannot hold a double quote, a term value cannot hold a space: those are left out.
    expect(evidenceQuery({ service: 'web api', template: 'bad "token" for user <ID> at login' })).toBe('"for user"');
    expect(evidenceQuery({ template: "TypeError: Cannot read properties of undefined (reading 'currency')" })).toBe(
      `"TypeError: Cannot read properties of undefined (reading 'currency')"`,
    );
    expect(evidenceLabel(e, iso)).toBe(`Logs of checkout v2.15.0, ${e.from} to ${e.to}`);
  });
});
