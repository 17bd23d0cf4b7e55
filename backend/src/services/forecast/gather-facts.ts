/**
 * Gathers a project's forecast facts from the stores: risk history, labels and their
 * explanations, per-minute metrics, top error templates (Memory baseline + explanations + the
 * recent raw logs for services and endpoints), SDK drop counts, and earlier feedback.
 */

import { Baseline, type Explanation, type Forecast } from '@cloudsage/schema';
import { type Kysely, sql } from 'kysely';
import type { Bucket } from '../../store/bucket/bucket.js';
import { sqlMemory } from '../../store/memory.js';
import type { Database } from '../../store/sql/database.js';
import { BASELINE_KEY } from '../dispatch/store-score.js';
import type { ReportSkipped } from '../logs/batch-reader.js';
import type { FactPoint, FeedbackFact, ForecastFacts, InputFacts, LatestPoint, TemplateFact } from './facts.js';
import { forecastPattern } from './forecast-pattern.js';
import { labelFacts } from './label-facts.js';
import { metricsFacts } from './metrics-facts.js';
import { scanRecentLogs } from './template-context.js';
import { type RecentTemplate, topTemplates } from './top-templates.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Days of risk history a forecast looks at. */
export const HISTORY_DAYS = 30;

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

async function inputFacts(db: Kysely<Database>, projectId: string, now: number): Promise<InputFacts> {
  const rows = await db
    .selectFrom('ingest_batches')
    .select(['dropped_overflow', 'dropped_oversize', 'dropped_before_send', 'rejected'])
    .where('project_id', '=', projectId)
    .where('received_at', '>=', now - 7 * DAY_MS)
    .where((eb) =>
      eb.or([
        eb('dropped_overflow', '>', 0),
        eb('dropped_oversize', '>', 0),
        eb('dropped_before_send', '>', 0),
        eb('rejected', '>', 0),
      ]),
    )
    .execute();
  const f: InputFacts = { overflow: 0, oversize: 0, beforeSend: 0, total: 0, batchesWithDrops: 0, rejected: 0 };
  for (const r of rows) {
    const o = Number(r.dropped_overflow);
    const s = Number(r.dropped_oversize);
    const b = Number(r.dropped_before_send);
    f.overflow += o;
    f.oversize += s;
    f.beforeSend += b;
    f.rejected += Number(r.rejected);
    if (o + s + b > 0) f.batchesWithDrops++;
  }
  f.total = f.overflow + f.oversize + f.beforeSend;
  return f;
}

/** The latest risk point at or before `now`, with each labelled finding's share of its score. */
async function latestPoint(db: Kysely<Database>, projectId: string, now: number): Promise<LatestPoint | undefined> {
  const row = await db
    .selectFrom('risk_history')
    .select(['timestamp', 'score', 'labels', 'explanations'])
    .where('project_id', '=', projectId)
    .where('timestamp', '<=', now)
    .orderBy('timestamp', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  const contributions: LatestPoint['contributions'] = [];
  for (const e of parseJson<Explanation[]>(row.explanations, [])) {
    if (typeof e?.label === 'string' && typeof e.contribution === 'number' && Number.isFinite(e.contribution)) {
      contributions.push({ label: e.label, points: e.contribution });
    }
  }
  return {
    timestamp: Number(row.timestamp),
    score: Number(row.score),
    labels: parseJson<unknown[]>(row.labels, []).filter((l): l is string => typeof l === 'string'),
    contributions,
  };
}

async function feedbackFacts(db: Kysely<Database>, projectId: string, now: number): Promise<FeedbackFact[]> {
  const rows = await db
    .selectFrom('forecast_feedback')
    .innerJoin('forecasts', 'forecasts.id', 'forecast_feedback.forecast_id')
    .select([
      'forecast_feedback.forecast_id as forecastId',
      'forecast_feedback.accurate as accurate',
      'forecast_feedback.comment as comment',
      'forecast_feedback.created_at as at',
      'forecasts.date as date',
      'forecasts.payload as payload',
    ])
    .where('forecast_feedback.project_id', '=', projectId)
    .where('forecast_feedback.created_at', '>=', now - HISTORY_DAYS * DAY_MS)
    .orderBy('forecast_feedback.created_at', 'desc')
    .limit(100)
    .execute();
  const out: FeedbackFact[] = [];
  for (const r of rows) {
    const payload = parseJson<Forecast | undefined>(r.payload, undefined);
    if (!payload?.predicted?.series || !payload.basis) continue;
    const f: FeedbackFact = {
      forecastId: r.forecastId,
      date: r.date,
      accurate: Number(r.accurate) === 1,
      pattern: forecastPattern(payload),
      at: Number(r.at),
    };
    if (r.comment) f.comment = r.comment.slice(0, 300);
    out.push(f);
  }
  return out;
}

/**
 * Everything the forecasters need about a project at `now`. Raw lines the template context could
 * not read are told to `stores.onSkipped`.
 *
 * @example
 * const facts = await gatherFacts({ db, bucket }, 'p1', Date.now());
 * facts.templates[0]?.pattern; // 'db timeout after <NUM>ms'
 */
export async function gatherFacts(
  stores: { db: Kysely<Database>; bucket: Bucket; onSkipped?: ReportSkipped },
  projectId: string,
  now: number,
): Promise<ForecastFacts> {
  const { db, bucket } = stores;
  const project = await db.selectFrom('projects').select(['name']).where('id', '=', projectId).executeTakeFirst();
  // Hourly peaks in SQL: 30 days of per-minute windows are 43,200 rows, their hours 720.
  const hour = sql<number>`timestamp / ${sql.lit(HOUR_MS)}`;
  const hours = await db
    .selectFrom('risk_history')
    .select([hour.as('hour'), (eb) => eb.fn.max('score').as('score'), (eb) => eb.fn.max('timestamp').as('last')])
    .select((eb) => eb.fn.countAll().as('windows'))
    .where('project_id', '=', projectId)
    .where('timestamp', '>=', now - HISTORY_DAYS * DAY_MS)
    .where('timestamp', '<=', now)
    .groupBy(hour)
    .orderBy(hour)
    .execute();
  // Labelled windows of the last 7 days, one by one: label counts are per window.
  const labelled = await db
    .selectFrom('risk_history')
    .select(['timestamp', 'score', 'labels'])
    .where('project_id', '=', projectId)
    .where('timestamp', '>=', now - 7 * DAY_MS)
    .where('timestamp', '<=', now)
    .where('labels', '<>', '[]')
    .orderBy('timestamp', 'asc')
    .execute();
  const labelledPoints: FactPoint[] = labelled.map((r) => ({
    timestamp: Number(r.timestamp),
    score: Number(r.score),
    labels: parseJson<unknown[]>(r.labels, []).filter((l): l is string => typeof l === 'string'),
  }));
  const labelsByHour = new Map<number, Set<string>>();
  for (const p of labelledPoints) {
    const h = Math.floor(p.timestamp / HOUR_MS);
    let set = labelsByHour.get(h);
    if (!set) {
      set = new Set();
      labelsByHour.set(h, set);
    }
    for (const l of p.labels) set.add(l);
  }
  let scoredWindows = 0;
  const points: FactPoint[] = hours.map((r) => {
    scoredWindows += Number(r.windows);
    return {
      timestamp: Number(r.last),
      score: Number(r.score),
      labels: [...(labelsByHour.get(Math.floor(Number(r.last) / HOUR_MS)) ?? [])],
    };
  });

  // Explanations of the last 24 h: the numbers behind each label, and the templates they name.
  const recentRows = await db
    .selectFrom('risk_history')
    .select(['timestamp', 'explanations'])
    .where('project_id', '=', projectId)
    .where('timestamp', '>=', now - DAY_MS)
    .where('timestamp', '<=', now)
    .orderBy('timestamp', 'asc')
    .execute();
  const latestMessage = new Map<string, string>();
  const recentTemplates = new Map<string, RecentTemplate>();
  for (const r of recentRows) {
    for (const e of parseJson<Explanation[]>(r.explanations, [])) {
      if (typeof e?.label === 'string' && typeof e.message === 'string') latestMessage.set(e.label, e.message);
      const t = e?.template;
      if (t && typeof t.id === 'string' && typeof t.pattern === 'string') {
        const prev = recentTemplates.get(t.id);
        const count = Number.isFinite(t.count) ? t.count : 0;
        if (prev) prev.count += count;
        else recentTemplates.set(t.id, { pattern: t.pattern, count, first: Number(r.timestamp) });
      }
    }
  }

  const memory = sqlMemory(db, () => now);
  const parsedBaseline = Baseline.safeParse(await memory.get<unknown>(projectId, BASELINE_KEY));
  const baseline = parsedBaseline.success ? parsedBaseline.data : undefined;
  const ranked = topTemplates(baseline, recentTemplates);
  const { origins, deploys } = await scanRecentLogs(
    db,
    bucket,
    projectId,
    ranked,
    now - DAY_MS,
    undefined,
    stores.onSkipped,
  );
  const templates: TemplateFact[] = ranked.map((t) => ({
    ...t,
    services: origins.get(t.id)?.services ?? [],
    endpoints: origins.get(t.id)?.endpoints ?? [],
    releases: origins.get(t.id)?.releases ?? [],
  }));
  const latest = await latestPoint(db, projectId, now);

  const facts: ForecastFacts = {
    projectId,
    projectName: project?.name ?? projectId,
    now,
    points,
    scoredWindows,
    labels: labelFacts(labelledPoints, latestMessage, now),
    templates,
    metrics: await metricsFacts(db, projectId, now),
    input: await inputFacts(db, projectId, now),
    feedback: await feedbackFacts(db, projectId, now),
    deploys,
  };
  if (latest) facts.latest = latest;
  if (baseline) {
    facts.baseline = {
      windows: baseline.windows,
      signals: Object.fromEntries(
        Object.entries(baseline.signals).map(([k, v]) => [k, { center: v.center, spread: v.spread }]),
      ),
    };
  }
  return facts;
}
