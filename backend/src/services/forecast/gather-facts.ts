/**
 * Gathers a project's forecast facts from the stores: risk history, labels and their
 * explanations, per-minute metrics, top error templates (Memory baseline + explanations + the
 * recent raw logs for services and endpoints), SDK drop counts, and earlier feedback.
 */

import { Baseline, type Explanation, type Forecast } from '@cloudsage/schema';
import { type Kysely, sql } from 'kysely';
import type { Bucket } from '../../store/bucket/bucket.js';
import type { Database } from '../../store/sql/database.js';
import { BASELINE_KEY } from '../dispatch/store-score.js';
import { sqlMemory } from '../memory.js';
import type { FactPoint, FeedbackFact, ForecastFacts, InputFacts, LabelFact, TemplateFact } from './facts.js';
import { forecastPattern } from './forecast-pattern.js';
import { metricsFacts } from './metrics-facts.js';
import { templateOrigins } from './template-context.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Days of risk history a forecast looks at. */
export const HISTORY_DAYS = 30;
/** Top templates kept in the facts. */
const TOP_TEMPLATES = 5;
/** A label's run is broken by a gap this long without it. */
const RUN_GAP_MS = 6 * HOUR_MS;
const LEVEL_ORDER: Record<string, number> = { fatal: 3, error: 2, warn: 1 };

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Label statistics over the last 7 days of points, with the latest explanation of each. */
export function labelFacts(
  points: readonly FactPoint[],
  latestMessage: ReadonlyMap<string, string>,
  now: number,
): LabelFact[] {
  const byLabel = new Map<string, number[]>();
  for (const p of points) {
    if (p.timestamp < now - 7 * DAY_MS) continue;
    for (const l of p.labels) {
      let ts = byLabel.get(l);
      if (!ts) {
        ts = [];
        byLabel.set(l, ts);
      }
      ts.push(p.timestamp);
    }
  }
  const out: LabelFact[] = [];
  for (const [label, ts] of byLabel) {
    ts.sort((a, b) => a - b);
    const lastSeen = ts[ts.length - 1]!;
    let since = lastSeen;
    for (let i = ts.length - 2; i >= 0 && since - ts[i]! <= RUN_GAP_MS; i--) since = ts[i]!;
    const last24h = ts.filter((t) => t >= now - DAY_MS).length;
    const fact: LabelFact = { label, last24h, previous6d: ts.length - last24h, since, lastSeen };
    const message = latestMessage.get(label);
    if (message) fact.message = message;
    out.push(fact);
  }
  return out.sort((a, b) => b.last24h - a.last24h || b.lastSeen - a.lastSeen || a.label.localeCompare(b.label));
}

interface RecentTemplate {
  pattern: string;
  count: number;
  first: number;
}

/** Ranks baseline and recently explained templates: recent lines first, then severity, recency, size. */
export function topTemplates(
  baseline: Baseline | undefined,
  recent: ReadonlyMap<string, RecentTemplate>,
  limit = TOP_TEMPLATES,
): Omit<TemplateFact, 'services' | 'endpoints'>[] {
  const out = new Map<string, Omit<TemplateFact, 'services' | 'endpoints'>>();
  for (const t of baseline?.templates ?? []) {
    const level = t.level ?? 'warn';
    const r = recent.get(t.id);
    if (!(LEVEL_ORDER[level] ?? 0) && !r) continue;
    const fact: Omit<TemplateFact, 'services' | 'endpoints'> = {
      id: t.id,
      pattern: t.pattern,
      level,
      count: t.count,
      firstSeen: Date.parse(t.firstSeen),
      lastSeen: Date.parse(t.lastSeen),
      recentCount: r?.count ?? 0,
    };
    if (t.rate !== undefined) fact.usualPerWindow = t.rate;
    out.set(t.id, fact);
  }
  for (const [id, r] of recent) {
    if (out.has(id)) continue;
    out.set(id, {
      id,
      pattern: r.pattern,
      level: 'error',
      count: r.count,
      firstSeen: r.first,
      lastSeen: r.first,
      recentCount: r.count,
    });
  }
  return [...out.values()]
    .sort(
      (a, b) =>
        b.recentCount - a.recentCount ||
        (LEVEL_ORDER[b.level] ?? 0) - (LEVEL_ORDER[a.level] ?? 0) ||
        b.lastSeen - a.lastSeen ||
        b.count - a.count ||
        a.id.localeCompare(b.id),
    )
    .slice(0, limit);
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
 * Everything the forecasters need about a project at `now`.
 *
 * @example
 * const facts = await gatherFacts({ db, bucket }, 'p1', Date.now());
 * facts.templates[0]?.pattern; // 'db timeout after <NUM>ms'
 */
export async function gatherFacts(
  stores: { db: Kysely<Database>; bucket: Bucket },
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
  const origins = await templateOrigins(db, bucket, projectId, ranked, now - DAY_MS);
  const templates: TemplateFact[] = ranked.map((t) => ({
    ...t,
    services: origins.get(t.id)?.services ?? [],
    endpoints: origins.get(t.id)?.endpoints ?? [],
  }));

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
  };
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
