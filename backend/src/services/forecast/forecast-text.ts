/**
 * The forecast's details, written from the facts, one short sentence a line: what changed and since
 * when (labels with their numbers, the top template, the metrics), what the next 24 hours look
 * like, how sure that is and why, and whether the input was incomplete. With little history it
 * says so instead of describing a trend. `text` is the headline followed by these lines, so a
 * client that prints only `text` still leads with the score now.
 */

import type { ForecastFacts } from './facts.js';
import type { ForecastNumbers } from './forecast-numbers.js';
import { count, duration, pct, plural, quote, score, utcTime } from './format.js';
import { MIN_TREND_POINTS } from './model/risk-model.js';

const DAY_MS = 86_400_000;

function changeSentences(facts: ForecastFacts): string[] {
  const out: string[] = [];
  const recent = facts.labels.filter((l) => l.last24h > 0).slice(0, 2);
  for (const l of recent) {
    const fresh = l.previous6d === 0 ? 'new this week' : `also ${plural(l.previous6d, 'time')} in the 6 days before`;
    const numbers = l.message ? `: ${l.message}` : '';
    out.push(
      `${l.label} since ${utcTime(l.since)} (${plural(l.last24h, 'scored window')} in 24 h, ${fresh})${numbers}.`,
    );
  }
  const t = facts.templates.find((x) => x.recentCount > 0) ?? facts.templates[0];
  if (t) {
    const from = t.services[0] ? ` from ${t.services[0].name}` : '';
    const at = t.endpoints[0] ? ` on ${t.endpoints[0].name}` : '';
    const lines =
      t.recentCount > 0
        ? `${plural(t.recentCount, 'line')} in flagged windows of the last 24 h`
        : `${plural(t.count, 'line')} in all`;
    out.push(`Top ${t.level} template ${quote(t.pattern)}${from}${at}: ${lines}, first seen ${utcTime(t.firstSeen)}.`);
  }
  const m = facts.metrics;
  if (m.last24h.records > 0 || m.previous24h.records > 0) {
    const a = m.last24h;
    const b = m.previous24h;
    let s = `Last 24 h: ${plural(a.records, 'record')}, ${plural(a.errors, 'error')} (${pct(a.errorRate)})`;
    if (b.records > 0) s += ` vs ${count(b.records)} and ${count(b.errors)} (${pct(b.errorRate)}) the day before`;
    if (a.latencyAvgMs !== undefined)
      s += `; latency avg ${count(a.latencyAvgMs)} ms, max ${count(a.latencyMaxMs ?? 0)} ms`;
    if (a.memoryMaxMb !== undefined) s += `; memory peak ${count(a.memoryMaxMb)} MB`;
    const trend = trendClause(m.errorRateSlopePerHour, m.volumeSlopePerHour);
    out.push(`${s}${trend}.`);
  }
  const usual = baselineSentence(facts);
  if (usual) out.push(usual);
  if (recent.length === 0 && facts.points.length > 0) out.push('No risk label was given in the last 24 h.');
  return out;
}

/** Within-day trends worth a mention: error rate moving a point or more over the day, volume by half. */
function trendClause(errorSlope: number, volumeSlope: number): string {
  const parts: string[] = [];
  if (Math.abs(errorSlope * 24) >= 0.01) {
    parts.push(
      `error rate ${errorSlope > 0 ? 'rising' : 'falling'} about ${(Math.abs(errorSlope) * 100).toFixed(2)} points an hour`,
    );
  }
  if (Math.abs(volumeSlope * 24) >= 0.5) {
    parts.push(
      `volume ${volumeSlope > 0 ? 'growing' : 'shrinking'} about ${Math.round(Math.abs(volumeSlope) * 100)}% of its mean an hour`,
    );
  }
  return parts.length ? `; over the day ${parts.join(' and ')}` : '';
}

/** What the project's baseline calls usual, for the signals it has. */
function baselineSentence(facts: ForecastFacts): string | undefined {
  const b = facts.baseline;
  if (!b || b.windows === 0) return undefined;
  const parts: string[] = [];
  const e = b.signals.errorRate;
  if (e) parts.push(`error rate ${pct(e.center)}`);
  const l = b.signals.latencyP95Ms;
  if (l) parts.push(`p95 latency ${count(l.center)} ms`);
  const v = b.signals.volumePerMin;
  if (v) parts.push(`${plural(v.center, 'record')} a minute`);
  if (parts.length === 0) return undefined;
  return `Usual for this project (baseline of ${plural(b.windows, 'window')}): ${parts.join(', ')}.`;
}

function outlookSentence(n: ForecastNumbers): string {
  const p = n.predicted;
  const hours = n.hourly.values.length;
  if (hours === 0)
    return `Next ${p.horizonHours} h: no estimate beyond a wide ${score(p.low)}-${score(p.high)} band until scores arrive.`;
  if (hours < MIN_TREND_POINTS) {
    return `Only ${hours} h of history: no trend fitted; the next ${p.horizonHours} h are the recent level, about ${score(p.score)} (80% range ${score(p.low)}-${score(p.high)}).`;
  }
  const way = n.direction === 'rising' ? 'rising' : n.direction === 'falling' ? 'easing' : 'holding steady';
  const first = p.series[0]!;
  const last = p.series[p.series.length - 1]!;
  let s = `Next ${p.horizonHours} h: ${way}, from about ${score(first.score)} to ${score(last.score)}, averaging ${score(p.score)} (80% range ${score(p.low)}-${score(p.high)})`;
  if (n.peakHourUtc !== undefined)
    s += `; the daily pattern peaks around ${String(n.peakHourUtc).padStart(2, '0')}:00 UTC`;
  return `${s}.`;
}

function confidenceSentence(facts: ForecastFacts, n: ForecastNumbers): string {
  const hours = n.hourly.values.length;
  const span = hours >= 48 ? `${Math.floor(hours / 24)} days` : `${hours} h`;
  const method = n.prediction.trend ? n.prediction.method : 'the recent level';
  let s = `Confidence ${n.confidence}: ${span} of hourly history, ${method}`;
  if (hours < 24) s += '; too little history to say more';
  const fb = n.feedback;
  if (fb.lowered > 0 || fb.inaccurate > 0) {
    s += `; ${plural(fb.inaccurate, 'earlier forecast')} like this one (${n.pattern.replace('|', ', ')}) marked inaccurate`;
    if (fb.lowered > 0) s += `, so confidence lowered ${plural(fb.lowered, 'level')} and the band widened`;
  }
  const comment = facts.feedback.find((f) => !f.accurate && f.pattern === n.pattern && f.comment)?.comment;
  if (comment) s += ` (a reviewer said: "${comment.slice(0, 120)}")`;
  return `${s}.`;
}

/** Notes on the input: drops reported by the SDKs, rejected records. */
export function inputNotes(facts: ForecastFacts): string[] {
  const i = facts.input;
  const out: string[] = [];
  if (i.total > 0) {
    const parts = [
      i.overflow ? `${count(i.overflow)} buffer overflow` : '',
      i.oversize ? `${count(i.oversize)} oversize` : '',
      i.beforeSend ? `${count(i.beforeSend)} dropped by beforeSend` : '',
    ].filter(Boolean);
    out.push(
      `Input incomplete: SDKs reported ${plural(i.total, 'dropped record')} in 7 days (${parts.join(', ')}) across ${plural(i.batchesWithDrops, 'batch', 'batches')}; counts above may be low.`,
    );
  }
  if (i.rejected > 0) {
    out.push(
      `${plural(i.rejected, 'record')} ${i.rejected === 1 ? 'was' : 'were'} rejected at ingest in 7 days and ${i.rejected === 1 ? 'is' : 'are'} not counted.`,
    );
  }
  return out;
}

/**
 * The details, one sentence a line (the headline is not repeated).
 *
 * @example
 * forecastDetails(facts, forecastNumbers(facts)); // 'High Error Rate since 2026-11-25 09:10 UTC (...'
 */
export function forecastDetails(facts: ForecastFacts, n: ForecastNumbers): string {
  const last = facts.latest?.timestamp ?? facts.points[facts.points.length - 1]?.timestamp;
  const stale =
    last !== undefined && facts.now - last > DAY_MS ? [`The last score is ${duration(facts.now - last)} old.`] : [];
  return [
    ...stale,
    ...changeSentences(facts),
    outlookSentence(n),
    confidenceSentence(facts, n),
    ...inputNotes(facts),
  ].join('\n');
}

/**
 * The whole text: the headline, then the details a line each.
 *
 * @example
 * forecastText(facts, forecastNumbers(facts), headline); // 'Risk for shop is 42 now (elevated ...'
 */
export function forecastText(facts: ForecastFacts, n: ForecastNumbers, headline: string): string {
  return `${headline}\n${forecastDetails(facts, n)}`;
}
