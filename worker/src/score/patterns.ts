/**
 * Error patterns: warn-and-above lines are mined into templates (see drain.ts). A template the
 * project has not logged before is a "New Error Pattern"; a known one far above its usual per-window
 * rate is an "Error Pattern Spike". Explanations name the template and its count.
 *
 * Only warn+ lines are mined: they are the ones that explain an incident, they are never sampled away
 * by the dispatcher (so counts are exact), and it keeps the per-record cost of a healthy window low.
 */
import { type LogRecord, MAX_TEMPLATE_PATTERN, type Template } from '@cloudsage/schema';
import { type Cluster, Drain } from './drain.js';
import { effect, expectation, MIN_EXPECTED_COUNT, plural, poissonZ, SIGMA_PER_SPREAD, surprise } from './stats.js';
import type { Finding, Signal, SignalContext, SignalOutcome, WindowTemplate } from './types.js';

/**
 * Windows of history before a template can be called new: a new project's every template is new, so
 * the project first needs a template history. After these, a never-seen template counts from its
 * first line.
 */
export const TEMPLATE_HISTORY_WINDOWS = 5;
const LEVEL_NAMES: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };
/**
 * Warn templates count a quarter of an error one when new, half when spiking: warnings are often
 * expected noise (retries, deprecations), and a new one says less than a new error.
 */
const WARN_WEIGHT = 0.5;
const NEW_WARN_WEIGHT = 0.25;

function levelWeight(c: Cluster): number {
  return c.windowLevel >= 50 ? 1 : WARN_WEIGHT;
}

function newWeight(c: Cluster): number {
  return c.windowLevel >= 50 ? 1 : NEW_WARN_WEIGHT;
}

/**
 * A pattern as the schema keeps it (at most {@link MAX_TEMPLATE_PATTERN} characters). The backend
 * refuses a worker answer holding a longer one, and a window refused is retried, then parked without a
 * score; its baseline is not stored, so the template stays new in the next window, and the next: one
 * long error line stopped a project's scores (loghub's Mac sample: 627 of 918 windows unscored).
 */
function clipPattern(p: string): string {
  return p.length <= MAX_TEMPLATE_PATTERN ? p : `${p.slice(0, MAX_TEMPLATE_PATTERN - 3)}...`;
}

/** A cluster's pattern, clipped as the schema keeps it. */
function patternOf(c: Cluster): string {
  return clipPattern(c.tokens.join(' '));
}

function templateOf(c: Cluster): { id: string; pattern: string; count: number } {
  return { id: c.id, pattern: patternOf(c), count: c.windowCount };
}

/** The pattern signal; see {@link Signal}. */
export class PatternSignal implements Signal {
  readonly drain = new Drain();

  constructor(known: readonly Template[] = []) {
    for (const t of known) this.drain.addKnown(t);
  }

  observe(record: LogRecord, levelRank: number): void {
    if (levelRank < 40) return;
    const c = this.drain.add(record.msg, levelRank);
    const service = record.service ?? record.host;
    if (service !== undefined) c.service = service;
  }

  /** Templates of the window and of the baseline, for the baseline update. */
  templates(): WindowTemplate[] {
    return this.drain.clusters.map((c) => {
      const t: WindowTemplate = {
        id: c.id,
        pattern: patternOf(c),
        windowCount: c.windowCount,
        level: LEVEL_NAMES[c.windowLevel] ?? c.known?.level ?? 'warn',
      };
      if (c.known !== undefined) t.known = c.known;
      if (c.service !== undefined && c.windowCount > 0) t.service = c.service;
      return t;
    });
  }

  evaluate(ctx: SignalContext): SignalOutcome {
    let active = 0;
    let newCount = 0;
    let newLines = 0;
    let spiking = 0;
    let bestNew: Cluster | undefined;
    let bestSpike: { c: Cluster; risk: number; rate: number } | undefined;
    const judgeNew = ctx.windows >= TEMPLATE_HISTORY_WINDOWS;
    // Known templates' usual counts scale up with the window's traffic (never down: in a quiet minute a
    // template's usual count is still no spike).
    const traffic = Math.max(1, ctx.volumeRatio);
    for (const c of this.drain.clusters) {
      const k = c.windowCount;
      if (k === 0) continue;
      active++;
      const lw = levelWeight(c);
      if (c.known === undefined) {
        if (!judgeNew) continue;
        newCount++;
        newLines += newWeight(c) * k;
        if (bestNew === undefined || newWeight(c) * k > newWeight(bestNew) * bestNew.windowCount) bestNew = c;
      } else if (judgeNew) {
        // A template that grows with traffic is not spiking: expect its rate scaled by the volume.
        // Like "new", "spiking" needs a template history: a rate from one or two windows says little.
        const rate = (c.known.rate ?? 0) * traffic;
        // A template's own burstiness beyond Poisson noise widens what is usual: a chronic error that
        // follows the traffic mix (13 a minute, 36 now and then) is not a spike when it triples.
        const sigma = SIGMA_PER_SPREAD * (c.known.spread ?? 0) * traffic;
        const z = poissonZ(k, Math.max(rate, MIN_EXPECTED_COUNT), Math.max(0, sigma * sigma - rate));
        const risk = lw * surprise(z) * effect(Math.log((k + 0.5) / (rate + 0.5)) / Math.log(4));
        if (risk >= 0.3) spiking++;
        if (risk > (bestSpike?.risk ?? 0)) bestSpike = { c, risk, rate };
      }
    }
    const findings: Finding[] = [];
    const observations: Record<string, number> = {};
    if (judgeNew) {
      // How many lines of never-seen templates the project usually shows (a chatty system mints new
      // ones all the time; a quiet service never does).
      const exp = expectation(ctx.stat('newTemplateLines'), { center: 0, spread: 0.2, weight: 3 });
      observations['newTemplateLines'] = newLines;
      if (bestNew !== undefined) {
        const c = bestNew;
        const lambda = Math.max(exp.center, MIN_EXPECTED_COUNT);
        const z = poissonZ(newLines, lambda, (exp.sigma * exp.sigma) / 4);
        // Warn lines count a quarter in newLines, so a new warn template needs four times the lines.
        const risk = surprise(z);
        if (risk > 0) {
          const others = newCount > 1 ? ` (${newCount} new templates in this window)` : '';
          const f: Finding = {
            label: 'New Error Pattern',
            signal: 'newErrorTemplates',
            risk,
            value: c.windowCount,
            baseline: 0,
            message: `new ${LEVEL_NAMES[c.windowLevel]} template \`${patternOf(c)}\`${c.service !== undefined ? ` in ${c.service}` : ''} seen ${plural(c.windowCount, 'time')}${others}`,
            template: templateOf(c),
          };
          if (c.service !== undefined) f.service = c.service;
          findings.push(f);
        }
      }
    }
    if (bestSpike !== undefined) {
      const { c, risk, rate } = bestSpike;
      const f: Finding = {
        label: 'Error Pattern Spike',
        signal: 'spikingTemplates',
        risk,
        value: c.windowCount,
        baseline: rate,
        message: `template \`${patternOf(c)}\`${c.service !== undefined ? ` in ${c.service}` : ''} seen ${plural(c.windowCount, 'time')} vs usual ${rate.toFixed(1)} per window`,
        template: templateOf(c),
      };
      if (c.service !== undefined) f.service = c.service;
      findings.push(f);
    }
    return {
      signals: { activeTemplates: active, newErrorTemplates: newCount, spikingTemplates: spiking },
      findings,
      observations,
    };
  }
}
