/**
 * Memory pressure: heap/rss readings (Node `process.memoryUsage()` fields, OpenTelemetry and JVM
 * metrics logged as attributes) against the usual peak, plus out-of-memory and GC-pressure messages.
 */
import type { LogRecord } from '@cloudsage/schema';
import { count, effect, expectation, history, plural, rise, surprise } from './stats.js';
import type { Finding, Signal, SignalContext, SignalOutcome } from './types.js';

const FIELDS = [
  'heapUsed',
  'heap_used',
  'heapUsedMb',
  'heap_used_mb',
  'heapMb',
  'rss',
  'rssMb',
  'rss_mb',
  'memory.heapUsed',
  'memory.rss',
  'process.memory.usage',
  'process.runtime.jvm.memory.usage',
  'jvm.memory.used',
  'memory_mb',
  'mem_mb',
] as const;

const OOM =
  /out of memory|outofmemoryerror|reached heap limit|oom-?kill|cannot allocate memory|\benomem\b|memory limit exceeded|allocation failed - javascript heap/i;
const GC =
  /gc overhead|allocation failure|mark-?compact|full gc|gc pause|heap limit|memory pressure|high memory usage/i;

function toMb(key: string, v: number): number {
  // Names saying MB are MB; otherwise large values are bytes (process.memoryUsage() reports bytes).
  if (key.endsWith('Mb') || key.endsWith('_mb')) return v;
  return v > 1e5 ? v / 1048576 : v;
}

/** The heap (or rss) reading of a record in MB, or NaN. */
export function heapOf(attrs: Record<string, unknown>): number {
  for (const key of FIELDS) {
    const v = attrs[key];
    if (typeof v === 'number' && v >= 0) return toMb(key, v);
  }
  const mem = attrs['memory'];
  if (typeof mem === 'object' && mem !== null) {
    const m = mem as Record<string, unknown>;
    const v = m['heapUsed'] ?? m['rss'];
    if (typeof v === 'number' && v >= 0) return toMb('', v);
  }
  return Number.NaN;
}

/** The memory signal; see {@link Signal}. */
export class MemorySignal implements Signal {
  #heapMax = 0;
  #heapSamples = 0;
  #oom = 0;
  #gc = 0;

  observe(record: LogRecord, levelRank: number, weight: number): void {
    if (record.attributes !== undefined) {
      const h = heapOf(record.attributes);
      if (!Number.isNaN(h)) {
        this.#heapSamples++;
        if (h > this.#heapMax) this.#heapMax = h;
      }
    }
    const msg = record.msg;
    if (msg.length > 4000) return;
    if (OOM.test(msg)) this.#oom += levelRank >= 40 ? 1 : weight;
    else if (GC.test(msg)) this.#gc += levelRank >= 40 ? 1 : weight;
  }

  evaluate(ctx: SignalContext): SignalOutcome {
    const signals: Record<string, number> = { oomEvents: this.#oom, gcEvents: this.#gc };
    const observations: Record<string, number> = { oomEvents: this.#oom, gcEvents: this.#gc };
    const candidates: Finding[] = [];
    const base = { label: 'Memory Pressure' as const };
    const oomExp = expectation(ctx.stat('oomEvents'), { center: 0, spread: 0.1, weight: 1 });
    const oomExcess = this.#oom - oomExp.center - 2 * oomExp.sigma;
    if (oomExcess > 0) {
      candidates.push({
        ...base,
        signal: 'oomEvents',
        // Even one out-of-memory line is a clear sign: it reads as high on its own.
        risk: rise(oomExcess + 0.5, 0, 1),
        value: this.#oom,
        baseline: oomExp.center,
        message: `${plural(this.#oom, 'out-of-memory message')} vs usual ${oomExp.center.toFixed(1)}`,
      });
    }
    const gcExp = expectation(ctx.stat('gcEvents'), { center: 0, spread: 0.5, weight: 1 });
    const gcExcess = this.#gc - gcExp.center - 3 * gcExp.sigma - Math.sqrt(gcExp.center + 1);
    if (gcExcess > 0) {
      candidates.push({
        ...base,
        signal: 'gcEvents',
        risk: 0.8 * rise(gcExcess, 0, 5),
        value: this.#gc,
        baseline: gcExp.center,
        message: `${plural(this.#gc, 'GC-pressure message')} vs usual ${gcExp.center.toFixed(1)}`,
      });
    }
    if (this.#heapSamples > 0) {
      signals['heapMaxMb'] = this.#heapMax;
      observations['heapMaxMb'] = this.#heapMax;
      const stat = ctx.stat('heapMaxMb');
      if (stat !== undefined && history(stat) >= 3) {
        const exp = expectation(stat, { center: 0, spread: 0, weight: 0 });
        const sigma = Math.max(exp.sigma, 0.03 * exp.center, 1);
        const z = (this.#heapMax - exp.center) / sigma;
        const ratio = this.#heapMax / Math.max(exp.center, 1);
        // No threshold: surprise times size (a heap 1.15x its usual peak reads as little, 1.5x as a lot).
        const risk = surprise(z) * effect((ratio - 1) / 0.35);
        if (risk > 0) {
          candidates.push({
            ...base,
            signal: 'heapMaxMb',
            risk,
            value: this.#heapMax,
            baseline: exp.center,
            message: `heap ${count(this.#heapMax)} MB vs usual ${count(exp.center)} MB (${ratio.toFixed(1)}x)`,
          });
        }
      }
    }
    // One label per signal: the strongest reading explains it.
    candidates.sort((a, b) => b.risk - a.risk);
    return { signals, observations, findings: candidates.slice(0, 1) };
  }
}
