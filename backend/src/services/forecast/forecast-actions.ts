/**
 * The forecast's three actions, chosen from the facts in priority order: the templates behind the
 * recent labels (naming the template, its service, endpoint, release and counts), the labels with
 * their numbers, incomplete input, and the predicted peak. Every action names something from this
 * project's data, and where there are logs behind it, says which (`evidence`: time range, service,
 * template, release) so the dashboard can open exactly those lines.
 */

import type { ActionEvidence } from '@cloudsage/schema';
import type { DeployFact, ForecastFacts, LabelFact, TemplateFact } from './facts.js';
import type { ForecastNumbers } from './forecast-numbers.js';
import { count, duration, pct, plural, quote, score, utcTime } from './format.js';
import { MIN_TREND_POINTS } from './model/risk-model.js';

const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Lines of a window are written before the window's score is stamped: evidence starts a window earlier. */
const LEAD_MS = 15 * MIN_MS;
/** A deploy at most this long before a new template's first flagged window is taken as its cause. */
const DEPLOY_BEFORE_MS = 2 * HOUR_MS;
const TEMPLATE_LABELS = new Set(['New Error Pattern', 'Error Pattern Spike']);

/** An action and the logs behind it (undefined: nothing to point at). */
export interface PlannedAction {
  text: string;
  evidence?: ActionEvidence | undefined;
}

/** The three actions and, index for index, their evidence. */
export interface ActionPlan {
  actions: [string, string, string];
  evidence: [ActionEvidence | null, ActionEvidence | null, ActionEvidence | null];
}

const iso = (ms: number) => new Date(ms).toISOString();

function evidence(
  from: number,
  to: number,
  extra: { service?: string | undefined; template?: string | undefined; release?: string | undefined } = {},
): ActionEvidence {
  const e: ActionEvidence = { from: iso(Math.min(from, to)), to: iso(to) };
  if (extra.service) e.service = extra.service;
  if (extra.template) e.template = extra.template;
  if (extra.release) e.release = extra.release;
  return e;
}

function where(t: TemplateFact): string {
  const s = t.services[0] ? ` in ${t.services[0].name}` : '';
  const e = t.endpoints[0] ? ` on ${t.endpoints[0].name}` : '';
  const n = t.services[0] ? ` (${count(t.services[0].count)} of the recent matching lines)` : '';
  return `${s}${e}${n}`;
}

/** The deploy that most likely brought a new template: the last one before its first line, same service if known. */
export function deployBefore(t: TemplateFact, deploys: readonly DeployFact[] | undefined): DeployFact | undefined {
  const service = t.services[0]?.name;
  // The template's first flagged window is stamped at its end: a deploy after that stamp came later.
  const fits = (deploys ?? []).filter(
    (d) =>
      d.at <= t.firstSeen &&
      d.at >= t.firstSeen - DEPLOY_BEFORE_MS &&
      (!service || !d.service || d.service === service),
  );
  return fits[fits.length - 1];
}

function templateAction(t: TemplateFact, facts: ForecastFacts): PlannedAction {
  const now = facts.now;
  const isNew = now - t.firstSeen < 2 * DAY_MS;
  const lines =
    t.recentCount > 0
      ? `${plural(t.recentCount, 'line')} in flagged windows in 24 h, ${count(t.count)} since first seen ${utcTime(t.firstSeen)}`
      : `${plural(t.count, 'line')} since first seen ${utcTime(t.firstSeen)}`;
  const usual =
    t.usualPerWindow !== undefined && t.recentCount > 0 ? `, usually ${t.usualPerWindow.toFixed(1)} a window` : '';
  const deploy = isNew ? deployBefore(t, facts.deploys) : undefined;
  const release = t.releases?.[0]?.name ?? deploy?.release;
  let cause = '';
  if (deploy)
    cause = `; it began after release ${deploy.release} (deployed ${utcTime(deploy.at)}): roll it back or fix it`;
  else if (release) cause = `; release ${release}`;
  else if (isNew) cause = `; check what was deployed around ${utcTime(t.firstSeen)}`;
  const origin =
    t.services.length === 0 ? '; find the service that writes it in the logs view (filter level=warn)' : '';
  return {
    text: `${isNew ? 'Fix the new' : 'Fix the spiking'} ${t.level} ${quote(t.pattern)}${where(t)}: ${lines}${usual}${cause}${origin}.`,
    evidence: evidence(Math.max(t.firstSeen - LEAD_MS, now - DAY_MS), now, {
      service: t.services[0]?.name,
      template: t.pattern,
      release,
    }),
  };
}

function labelAction(l: LabelFact, facts: ForecastFacts, t: TemplateFact | undefined): PlannedAction | undefined {
  const m = facts.metrics.last24h;
  const prev = facts.metrics.previous24h;
  const service = t?.services[0]?.name;
  const endpoint = t?.endpoints[0]?.name;
  const logs = (template?: string) =>
    evidence(Math.max(l.since - LEAD_MS, facts.now - 7 * DAY_MS), facts.now, { service, template });
  /** `head: numbers; explanation (since ...)tail.`, leaving out the numbers the facts lack. */
  const say = (head: string, numbers: string | false, tail = '', template?: string): PlannedAction => {
    const list = [numbers, l.message].filter((x): x is string => Boolean(x));
    return {
      text: `${head}: ${list.length ? `${list.join('; ')} ` : ''}(since ${utcTime(l.since)})${tail}.`,
      evidence: logs(template),
    };
  };
  const volume =
    (m.records > 0 || prev.records > 0) &&
    `${plural(m.records, 'record')} in 24 h vs ${count(prev.records)} the day before`;
  switch (l.label) {
    case 'High Error Rate':
      return say(
        `Bring the error rate down${service ? ` in ${service}` : ''}`,
        m.records > 0 && `${plural(m.errors, 'error')} in 24 h (${pct(m.errorRate)} of ${plural(m.records, 'record')})`,
        t ? `, led by ${quote(t.pattern, 60)}` : '',
        t?.pattern,
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
    case 'No Data':
      return say(`Check that ${service ?? 'every service'} is still running and can reach CloudSage`, volume);
    case 'Crash Loop':
      return say(
        `Stop the restart loop${service ? ` of ${service}` : ''}`,
        m.records > 0 && `${plural(m.errors, 'error')} in 24 h`,
        '; read the last fatal lines before each start',
      );
    default:
      if (TEMPLATE_LABELS.has(l.label)) return undefined;
      return say(`Look into ${l.label}`, `${plural(l.last24h, 'scored window')} in 24 h`);
  }
}

function inputActions(facts: ForecastFacts): PlannedAction[] {
  const i = facts.input;
  const out: PlannedAction[] = [];
  if (i.overflow > 0) {
    out.push({
      text: `Stop losing logs: the SDK buffer overflowed and dropped ${plural(i.overflow, 'record')} in 7 days (${plural(i.batchesWithDrops, 'batch', 'batches')}); raise maxBufferRecords or cut debug/info volume.`,
    });
  }
  if (i.oversize > 0) {
    out.push({ text: `Shorten oversized records: ${plural(i.oversize, 'record')} dropped as too large in 7 days.` });
  }
  return out;
}

function peakAction(facts: ForecastFacts, n: ForecastNumbers): PlannedAction | undefined {
  if (n.current === undefined) return undefined;
  const high = n.predicted.high;
  const threshold = Math.min(95, Math.max(40, Math.round((high + 5) / 5) * 5));
  return {
    text: `Risk may reach ${score(high)} in the next 24 h (now ${score(n.current)}, average ${score(n.predicted.score)} expected): set this project's alert threshold to ${threshold} (PUT /api/projects/${facts.projectId} with alert.threshold) so the webhook fires before it gets there.`,
  };
}

function fillers(facts: ForecastFacts, n: ForecastNumbers): PlannedAction[] {
  const out: PlannedAction[] = [];
  const hours = n.hourly.values.length;
  if (hours < 2 * 24) {
    out.push({
      text: `Keep logs flowing: ${hours} h of risk history so far (${plural(facts.scoredWindows ?? facts.points.length, 'scored window')}); a trend needs ${MIN_TREND_POINTS} h and the daily pattern 48 h.`,
    });
  }
  const known = facts.templates.find((t) => t.recentCount === 0);
  if (known) {
    out.push({
      text: `Review the known ${known.level} template ${quote(known.pattern)}${where(known)}: ${plural(known.count, 'line')} since ${utcTime(known.firstSeen)}, last seen ${duration(Math.max(0, facts.now - known.lastSeen))} ago.`,
      evidence: evidence(known.lastSeen - HOUR_MS, known.lastSeen + MIN_MS, {
        service: known.services[0]?.name,
        template: known.pattern,
        release: known.releases?.[0]?.name,
      }),
    });
  }
  if (facts.points.length > 0) {
    const week = facts.points.filter((p) => p.timestamp >= facts.now - 7 * DAY_MS);
    const peak = week.reduce((a, p) => (p.score > a.score ? p : a), week[0] ?? facts.points[facts.points.length - 1]!);
    out.push({
      text: `Compare with the 7-day peak: risk ${score(peak.score)} at ${utcTime(peak.timestamp)}${peak.labels.length ? ` (${peak.labels.join(', ')})` : ''}; its logs show what a bad hour looks like for ${facts.projectName}.`,
      evidence: evidence(peak.timestamp - HOUR_MS, peak.timestamp),
    });
  }
  const m = facts.metrics.last24h;
  if (m.records > 0) {
    out.push({
      text: `Watch the ${plural(m.warn, 'warning')} of the last 24 h (${plural(m.records, 'record')}, ${pct(m.errorRate)} errors): warnings that turn into errors are the earliest sign here.`,
      evidence: evidence(facts.now - DAY_MS, facts.now),
    });
  }
  if (facts.points.length === 0) {
    out.push(
      {
        text: `Send logs for ${facts.projectName}: POST /api/ingest with an ingest key (or add @cloudsage/pino); the first risk score comes within a minute.`,
      },
      {
        text: `Create a read key for project ${facts.projectId} and call client.getForecast() to get this forecast from code.`,
      },
      {
        text: `Set an alert webhook on project ${facts.projectId} (PUT /api/projects/${facts.projectId} with alert.url and alert.threshold) before traffic starts.`,
      },
    );
  }
  return out;
}

/**
 * Three distinct, concrete actions and the logs behind each.
 *
 * @example
 * const { actions, evidence } = forecastActionPlan(facts, numbers);
 * actions[0]; // 'Fix the new error `db timeout after <NUM>ms` in checkout on POST /api/orders ...'
 * evidence[0]; // { from: '...', to: '...', service: 'checkout', template: 'db timeout after <NUM>ms' }
 */
export function forecastActionPlan(facts: ForecastFacts, n: ForecastNumbers): ActionPlan {
  const picked: PlannedAction[] = [];
  const add = (a: PlannedAction | undefined) => {
    if (a && !picked.some((p) => p.text === a.text) && picked.length < 3) picked.push(a);
  };
  const hot = facts.templates.filter((t) => t.recentCount > 0 || facts.now - t.firstSeen < 2 * DAY_MS);
  const recentLabels = facts.labels.filter((l) => l.last24h > 0);
  // A new error that began with a deploy comes first: rolling back is the quickest fix there is.
  const deployed = hot.find((t) => facts.now - t.firstSeen < 2 * DAY_MS && deployBefore(t, facts.deploys));
  add(deployed ? templateAction(deployed, facts) : undefined);
  add(hot[0] ? templateAction(hot[0], facts) : undefined);
  for (const l of recentLabels) add(labelAction(l, facts, hot[0] ?? facts.templates[0]));
  add(hot[1] ? templateAction(hot[1], facts) : undefined);
  for (const a of inputActions(facts)) add(a);
  if (n.direction === 'rising' || n.predicted.high >= 60) add(peakAction(facts, n));
  for (const a of fillers(facts, n)) add(a);
  add(peakAction(facts, n));
  // Unreachable in practice (the no-history fillers alone are three), but the tuple must be full.
  while (picked.length < 3)
    picked.push({ text: `Check project ${facts.projectId} again after more logs are scored (${picked.length + 1}).` });
  const [a, b, c] = picked as [PlannedAction, PlannedAction, PlannedAction];
  return { actions: [a.text, b.text, c.text], evidence: [a.evidence ?? null, b.evidence ?? null, c.evidence ?? null] };
}

/**
 * The three actions alone.
 *
 * @example
 * forecastActions(facts, numbers)[0]; // 'Fix the new error `db timeout after <NUM>ms` in checkout on POST /api/orders ...'
 */
export function forecastActions(facts: ForecastFacts, n: ForecastNumbers): [string, string, string] {
  return forecastActionPlan(facts, n).actions;
}
