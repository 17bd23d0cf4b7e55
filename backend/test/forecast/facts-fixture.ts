import type { FactPoint, ForecastFacts, TemplateFact } from '../../src/services/forecast/facts.js';

export const HOUR = 3_600_000;
export const NOW = Date.parse('2026-11-25T10:30:00Z');

/** Empty facts of a project at NOW, to be filled per test. */
export function emptyFacts(overrides: Partial<ForecastFacts> = {}): ForecastFacts {
  const period = { minutes: 0, records: 0, warn: 0, errors: 0, errorRate: 0 };
  return {
    projectId: 'p_test',
    projectName: 'shop',
    now: NOW,
    points: [],
    labels: [],
    templates: [],
    metrics: { last24h: period, previous24h: period, errorRateSlopePerHour: 0, volumeSlopePerHour: 0 },
    input: { overflow: 0, oversize: 0, beforeSend: 0, total: 0, batchesWithDrops: 0, rejected: 0 },
    feedback: [],
    ...overrides,
  };
}

/** Hourly points ending at the hour before NOW, from a function of the hour index (0 = oldest). */
export function hourlyPoints(
  hours: number,
  score: (i: number) => number,
  labels: (i: number) => string[] = () => [],
): FactPoint[] {
  const start = Math.floor(NOW / HOUR) * HOUR - hours * HOUR;
  return Array.from({ length: hours }, (_, i) => ({
    timestamp: start + i * HOUR + 5 * 60_000,
    score: score(i),
    labels: labels(i),
  }));
}

export const DB_TIMEOUT: TemplateFact = {
  id: 't_db',
  pattern: 'db timeout after <NUM>ms on query <*>',
  level: 'error',
  count: 1830,
  firstSeen: NOW - 20 * HOUR,
  lastSeen: NOW - HOUR,
  recentCount: 1612,
  usualPerWindow: 0.4,
  services: [{ name: 'checkout-api', count: 240 }],
  endpoints: [{ name: 'POST /api/orders', count: 198 }],
};
