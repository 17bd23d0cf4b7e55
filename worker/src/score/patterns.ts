/**
 * Error patterns: warn-and-above lines are mined into templates (see drain.ts). A template the
 * project has not logged before is a "New Error Pattern"; a known one far above its usual per-window
 * rate is an "Error Pattern Spike". Explanations name the template and its count.
 *
 * Only warn+ lines are mined: they are the ones that explain an incident, they are never sampled away
 * by the dispatcher (so counts are exact), and it keeps the per-record cost of a healthy window low.
 */
import type { LogRecord, Template } from '@cloudsage/schema';
import { type Cluster, Drain } from './drain.js';
import { count, rise } from './stats.js';
import type { Finding, Signal, SignalContext, SignalOutcome, WindowTemplate } from './types.js';

/** Windows of history before a template can be called new (a new project's every template is new). */
const MIN_WINDOWS_FOR_NEW = 5;
const LEVEL_NAMES: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };

/** The pattern signal; see {@link Signal}. */
export class PatternSignal implements Signal {
  readonly drain = new Drain();

  constructor(known: readonly Template[] = []) {
    for (const t of known) this.drain.addKnown(t);
  }

  observe(record: LogRecord, levelRank: number): void {
    if (levelRank >= 40) this.drain.add(record.msg, levelRank);
  }

  /** Templates of the window and of the baseline, for the baseline update. */
  templates(): WindowTemplate[] {
    return this.drain.clusters.map((c) => {
      const t: WindowTemplate = {
        id: c.id,
        pattern: c.tokens.join(' '),
        windowCount: c.windowCount,
        level: LEVEL_NAMES[c.windowLevel] ?? c.known?.level ?? 'warn',
      };
      if (c.known !== undefined) t.known = c.known;
      return t;
    });
  }

  evaluate(ctx: SignalContext): SignalOutcome {
    let active = 0;
    let newCount = 0;
    let spiking = 0;
    let bestNew: { c: Cluster; risk: number } | undefined;
    let bestSpike: { c: Cluster; risk: number; rate: number } | undefined;
    for (const c of this.drain.clusters) {
      const k = c.windowCount;
      if (k === 0) continue;
      active++;
      // Warn templates count half: they are often expected noise (retries, deprecations).
      const levelWeight = c.windowLevel >= 50 ? 1 : 0.5;
      if (c.known === undefined) {
        if (ctx.windows < MIN_WINDOWS_FOR_NEW) continue;
        newCount++;
        const risk = levelWeight * rise(k, 2, 8);
        if (risk > (bestNew?.risk ?? 0)) bestNew = { c, risk };
      } else {
        // A template that grows with traffic is not spiking: expect its rate scaled by the volume.
        const rate = (c.known.rate ?? 0) * Math.max(1, ctx.volumeRatio);
        const z = (k - rate) / Math.sqrt(rate + 1);
        const risk = k < 5 ? 0 : levelWeight * Math.min(rise(z, 4, 4), rise(k / (rate + 0.5), 3, 5));
        if (risk > 0) spiking++;
        if (risk > (bestSpike?.risk ?? 0)) bestSpike = { c, risk, rate };
      }
    }
    const findings: Finding[] = [];
    if (bestNew !== undefined) {
      const { c, risk } = bestNew;
      const others = newCount > 1 ? ` (${newCount} new templates in this window)` : '';
      findings.push({
        label: 'New Error Pattern',
        signal: 'newErrorTemplates',
        risk,
        value: c.windowCount,
        baseline: 0,
        message: `new ${LEVEL_NAMES[c.windowLevel]} template \`${c.tokens.join(' ')}\` seen ${count(c.windowCount)} times${others}`,
        template: { id: c.id, pattern: c.tokens.join(' '), count: c.windowCount },
      });
    }
    if (bestSpike !== undefined) {
      const { c, risk, rate } = bestSpike;
      findings.push({
        label: 'Error Pattern Spike',
        signal: 'spikingTemplates',
        risk,
        value: c.windowCount,
        baseline: rate,
        message: `template \`${c.tokens.join(' ')}\` seen ${count(c.windowCount)} times vs usual ${rate.toFixed(1)} per window`,
        template: { id: c.id, pattern: c.tokens.join(' '), count: c.windowCount },
      });
    }
    return {
      signals: { activeTemplates: active, newErrorTemplates: newCount, spikingTemplates: spiking },
      findings,
      observations: {},
    };
  }
}
