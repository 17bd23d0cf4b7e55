/**
 * Times the forecast the way the API makes it: facts gathered from a SQLite store holding 30 days of
 * per-minute risk points (43,200 rows), then the built-in forecaster. The pure-model timing in
 * forecast-eval.ts leaves the store out; this one is what a first GET of the day costs.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinForecast } from '../src/services/forecast/builtin-forecaster.js';
import { gatherFacts } from '../src/services/forecast/gather-facts.js';
import { DirBucket } from '../src/store/bucket/dir-bucket.js';
import { openSql } from '../src/store/sql/open-sql.js';

const MINUTE = 60_000;

/** Median and max ms of `runs` gather + forecast passes over 30 days of per-minute history. */
export async function timeStoredForecast(
  hourly: readonly number[],
  now: number,
  runs = 5,
): Promise<{ median: number; max: number; rows: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-eval-'));
  const sql = await openSql({ dataDir: dir });
  try {
    const db = sql.db;
    await db
      .insertInto('users')
      .values({ id: 'u', email: 'e@example.com', password_hash: 'x', created_at: now })
      .execute();
    await db
      .insertInto('projects')
      .values({
        id: 'p',
        user_id: 'u',
        name: 'eval',
        alert_url: null,
        alert_threshold: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const n = 30 * 24 * 60;
    for (let from = 0; from < n; from += 2000) {
      const rows = [];
      for (let i = from; i < Math.min(n, from + 2000); i++) {
        const t = now - (n - i) * MINUTE;
        const score = Math.min(100, Math.max(0, hourly[Math.floor(i / 60)]! + ((i * 7919) % 11) - 5));
        const labelled = i % 97 === 0;
        rows.push({
          id: `r${i}`,
          project_id: 'p',
          window_start: t,
          timestamp: t,
          score,
          labels: labelled ? '["Latency Spike"]' : '[]',
          signals: '{}',
          explanations: labelled
            ? '[{"label":"Latency Spike","signal":"latencyP95Ms","message":"p95 820 ms vs usual 210 ms","value":820}]'
            : '[]',
          created_at: t,
        });
      }
      await db.insertInto('risk_history').values(rows).execute();
    }
    const bucket = new DirBucket(join(dir, 'bucket'));
    const times: number[] = [];
    for (let r = 0; r <= runs; r++) {
      const t0 = performance.now();
      builtinForecast(await gatherFacts({ db, bucket }, 'p', now));
      // The first pass warms the JIT and SQLite's page cache; it is not counted.
      if (r > 0) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)]!, max: times[times.length - 1]!, rows: n };
  } finally {
    await sql.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
