/**
 * The forecast's three actions, chosen from the facts in priority order: the templates behind the
 * recent labels (naming the template, its service, endpoint and counts), the labels with their
 * numbers, incomplete input, and the predicted peak. Every action names something from this
 * project's data; when there is little to say the fillers still cite its own numbers.
 */

import type { ForecastFacts, LabelFact, TemplateFact } from './facts.js';
import type { ForecastNumbers } from './forecast-numbers.js';
import { count, duration, pct, quote, score, utcTime } from './format.js';
import { MIN_TREND_POINTS } from './model/risk-model.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TEMPLATE_LABELS = new Set(['New Error Pattern', 'Error Pattern Spike']);

function where(t: TemplateFact): string {
  const s = t.services[0] ? ` in ${t.services[0].name}` : '';
  const e = t.endpoints[0] ? ` on ${t.endpoints[0].name}` : '';
  const n = t.services[0] ? ` (${count(t.services[0].count)} of the recent matching lines)` : '';
  return `${s}${e}${n}`;
}

function templateAction(t: TemplateFact, now: number): string {
  const isNew = now - t.firstSeen < 2 * DAY_MS;
  const lines =
    t.recentCount > 0
      ? `${count(t.recentCount)} lines in flagged windows in 24 h, ${count(t.count)} since first seen ${utcTime(t.firstSeen)}`
      : `${count(t.count)} lines since first seen ${utcTime(t.firstSeen)}`;
  const usual =
    t.usualPerWindow !== undefined && t.recentCount > 0 ? `, usually ${t.usualPerWindow.toFixed(1)} a window` : '';
  const lead = isNew ? 'Fix the new' : 'Fix the spiking';
  const origin =
    t.services.length === 0 ? '; find the service that writes it in the logs view (filter level=warn)' : '';
  return `${lead} ${t.level} ${quote(t.pattern)}${where(t)}: ${lines}${usual}${isNew ? `; check what was deployed around ${utcTime(t.firstSeen)}` : ''}${origin}.`;
}

function labelAction(l: LabelFact, facts: ForecastFacts, t: TemplateFact | undefined): string | undefined {
  const m = facts.metrics.last24h;
  const prev = facts.metrics.previous24h;
  const service = t?.services[0]?.name;
  const endpoint = t?.endpoints[0]?.name;
  /** `head: numbers; explanation (since ...)tail.`, leaving out the numbers the facts lack. */
  const say = (head: string, numbers: string | false, tail = '') => {
    const list = [numbers, l.message].filter((x): x is string => Boolean(x));
    return `${head}: ${list.length ? `${list.join('; ')} ` : ''}(since ${utcTime(l.since)})${tail}.`;
  };
  const volume =
    (m.records > 0 || prev.records > 0) &&
    `${count(m.records)} records in 24 h vs ${count(prev.records)} the day before`;
  switch (l.label) {
    case 'High Error Rate':
      return say(
        `Bring the error rate down${service ? ` in ${service}` : ''}`,
        m.records > 0 && `${count(m.errors)} errors in 24 h (${pct(m.errorRate)} of ${count(m.records)} records)`,
        t ? `, led by ${quote(t.pattern, 60)}` : '',
      );
    case 'Latency Spike':
      return say(
        `Find the slow path${endpoint ? ` behind ${endpoint}` : ''}`,
        m.latencyMaxMs !== undefined &&
          `latency max ${count(m.latencyMaxMs)} ms, avg ${count(m.latencyAvgMs ?? 0)} ms in 24 h`,
        '; check the database and downstream calls it makes',
      );
    case 'Memory Pressure':
      return say(
        `Check memory growth${service ? ` in ${service}` : ''}`,
        m.memoryMaxMb !== undefined && `peak ${count(m.memoryMaxMb)} MB in 24 h`,
        '; take a heap snapshot before the next restart',
      );
    case 'Volume Spike':
      return say('Find what floods the logs', volume, '; a retry loop or a debug level left on is typical');
    case 'Volume Drop':
      return say(`Check that ${service ?? 'every service'} is still running and shipping logs`, volume);
    case 'Crash Loop':
      return say(
        `Stop the restart loop${service ? ` of ${service}` : ''}`,
        m.records > 0 && `${count(m.errors)} errors in 24 h`,
        '; read the last fatal lines before each start',
      );
    default:
      if (TEMPLATE_LABELS.has(l.label)) return undefined;
      return say(`Look into ${l.label}`, `${count(l.last24h)} scored windows in 24 h`);
  }
}

function inputActions(facts: ForecastFacts): string[] {
  const i = facts.input;
  const out: string[] = [];
  if (i.overflow > 0) {
    out.push(
      `Stop losing logs: the SDK buffer overflowed and dropped ${count(i.overflow)} records in 7 days (${count(i.batchesWithDrops)} batches); raise maxBufferRecords or cut debug/info volume.`,
    );
  }
  if (i.oversize > 0) out.push(`Shorten oversized records: ${count(i.oversize)} were dropped as too large in 7 days.`);
  return out;
}

function peakAction(facts: ForecastFacts, n: ForecastNumbers): string | undefined {
  if (n.current === undefined) return undefined;
  const high = n.predicted.high;
  const threshold = Math.min(95, Math.max(40, Math.round((high + 5) / 5) * 5));
  return `Risk may reach ${score(high)} in the next 24 h (now ${score(n.current)}, average ${score(n.predicted.score)} expected): set this project's alert threshold to ${threshold} (PUT /api/projects/${facts.projectId} with alert.threshold) so the webhook fires before it gets there.`;
}

function fillers(facts: ForecastFacts, n: ForecastNumbers): string[] {
  const out: string[] = [];
  const hours = n.hourly.values.length;
  if (hours < 2 * 24) {
    out.push(
      `Keep logs flowing: ${hours} h of risk history so far (${count(facts.scoredWindows ?? facts.points.length)} scored windows); a trend needs ${MIN_TREND_POINTS} h and the daily pattern 48 h.`,
    );
  }
  const known = facts.templates.find((t) => t.recentCount === 0);
  if (known) {
    out.push(
      `Review the known ${known.level} template ${quote(known.pattern)}${where(known)}: ${count(known.count)} lines since ${utcTime(known.firstSeen)}, last seen ${duration(Math.max(0, facts.now - known.lastSeen))} ago.`,
    );
  }
  if (facts.points.length > 0) {
    const week = facts.points.filter((p) => p.timestamp >= facts.now - 7 * DAY_MS);
    const peak = week.reduce((a, p) => (p.score > a.score ? p : a), week[0] ?? facts.points[facts.points.length - 1]!);
    out.push(
      `Compare with the 7-day peak: risk ${score(peak.score)} at ${utcTime(peak.timestamp)}${peak.labels.length ? ` (${peak.labels.join(', ')})` : ''}; its logs show what a bad hour looks like for ${facts.projectName}.`,
    );
  }
  const m = facts.metrics.last24h;
  if (m.records > 0) {
    out.push(
      `Watch the ${count(m.warn)} warnings of the last 24 h (${count(m.records)} records, ${pct(m.errorRate)} errors): warnings that turn into errors are the earliest sign here.`,
    );
  }
  if (facts.points.length === 0) {
    out.push(
      `Send logs for ${facts.projectName}: POST /api/ingest with an ingest key (or add @cloudsage/pino); the first risk score comes within a minute.`,
      `Create a read key for project ${facts.projectId} and call client.getForecast() to get this forecast from code.`,
      `Set an alert webhook on project ${facts.projectId} (PUT /api/projects/${facts.projectId} with alert.url and alert.threshold) before traffic starts.`,
    );
  }
  return out;
}

/**
 * Three distinct, concrete actions.
 *
 * @example
 * forecastActions(facts, numbers)[0]; // 'Fix the new error `db timeout after <NUM>ms` in checkout on POST /api/orders ...'
 */
export function forecastActions(facts: ForecastFacts, n: ForecastNumbers): [string, string, string] {
  const picked: string[] = [];
  const add = (a: string | undefined) => {
    if (a && !picked.includes(a) && picked.length < 3) picked.push(a);
  };
  const hot = facts.templates.filter((t) => t.recentCount > 0 || facts.now - t.firstSeen < 2 * DAY_MS);
  const recentLabels = facts.labels.filter((l) => l.last24h > 0);
  add(hot[0] ? templateAction(hot[0], facts.now) : undefined);
  for (const l of recentLabels) add(labelAction(l, facts, hot[0] ?? facts.templates[0]));
  add(hot[1] ? templateAction(hot[1], facts.now) : undefined);
  for (const a of inputActions(facts)) add(a);
  if (n.direction === 'rising' || n.predicted.high >= 60) add(peakAction(facts, n));
  for (const a of fillers(facts, n)) add(a);
  add(peakAction(facts, n));
  // Unreachable in practice (the no-history fillers alone are three), but the tuple must be full.
  while (picked.length < 3)
    picked.push(`Check project ${facts.projectId} again after more logs are scored (${picked.length + 1}).`);
  return [picked[0]!, picked[1]!, picked[2]!];
}
