import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherFacts } from '../../src/services/forecast/gather-facts.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { openTestSql, SQL_DIALECTS, seedProjects, type TestSql } from '../support/sql-stores.js';

const NOW = Date.parse('2026-11-25T12:30:00.000Z');

describe.each(SQL_DIALECTS)('gatherFacts on %s', (dialect) => {
  let sql: TestSql;

  beforeAll(async () => {
    sql = await openTestSql(dialect);
    const db = sql.store.db;
    await seedProjects(sql.store, NOW, [{ id: 'p1' }, { id: 'p2' }]);
    // Per-minute windows: three in the 10:00 hour, two in 11:00 (one labelled twice), one 40 days ago.
    const point = (project: string, minutesAgo: number, score: number, labels: string[]) => {
      const t = NOW - minutesAgo * 60_000;
      return {
        id: `r_${project}_${minutesAgo}`,
        project_id: project,
        window_start: t,
        timestamp: t,
        score,
        labels: JSON.stringify(labels),
        signals: '{}',
        explanations: JSON.stringify(
          labels.map((label) => ({ label, signal: 's', message: `${label} at ${score}`, value: score })),
        ),
        created_at: t,
      };
    };
    await db
      .insertInto('risk_history')
      .values([
        point('p1', 150, 20, []),
        point('p1', 140, 45, ['Latency Spike']),
        point('p1', 130, 30, []),
        point('p1', 80, 70, ['High Error Rate', 'Latency Spike']),
        point('p1', 70, 65, ['High Error Rate']),
        point('p1', 40 * 24 * 60, 99, ['Crash Loop']),
        point('p2', 75, 100, ['Memory Pressure']),
      ])
      .execute();
  });

  afterAll(async () => {
    await sql?.dispose();
  });

  it('folds windows into hourly peaks, keeps per-window label counts, and stays within the project and 30 days', async () => {
    const facts = await gatherFacts({ db: sql.store.db, bucket: new DirBucket(`${sql.dataDir}/bucket`) }, 'p1', NOW);
    expect(facts.projectName).toBe('p1');
    expect(facts.scoredWindows).toBe(5);
    expect(facts.points).toEqual([
      { timestamp: NOW - 130 * 60_000, score: 45, labels: ['Latency Spike'] },
      { timestamp: NOW - 70 * 60_000, score: 70, labels: ['High Error Rate', 'Latency Spike'] },
    ]);
    expect(facts.labels.map((l) => [l.label, l.last24h, l.since, l.message])).toEqual([
      ['High Error Rate', 2, NOW - 80 * 60_000, 'High Error Rate at 65'],
      ['Latency Spike', 2, NOW - 140 * 60_000, 'Latency Spike at 70'],
    ]);
    expect(facts.templates).toEqual([]);
    expect(facts.input.total).toBe(0);
    expect(facts.feedback).toEqual([]);
    expect(facts.baseline).toBeUndefined();
  });
});
