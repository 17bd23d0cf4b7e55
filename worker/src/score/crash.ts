/**
 * Restarts and crashes: fatal lines, uncaught exceptions and unhandled rejections, termination
 * signals, exits and stack traces, against start-up lines. A crash loop is crashes and restarts
 * together, above what the project usually shows (a cron job starts every run; that is its normal).
 */
import type { LogRecord } from '@cloudsage/schema';
import { expectation, plural, rise } from './stats.js';
import type { Signal, SignalContext, SignalOutcome } from './types.js';

const CRASH =
  /FATAL ERROR|uncaught|unhandled ?(?:promise ?)?rejection|\bSIG(?:KILL|SEGV|ABRT)\b|panic:|segmentation fault|core dumped|exited with code [1-9]|exit code [1-9]|process crashed|traceback \(most recent call last\)|exception in thread|crashloopbackoff|back-off restarting/i;
/** A termination request: the way every deploy stops a process, so weaker evidence than a crash. */
const STOP = /\bSIG(?:TERM|INT)\b/;
/** How much a termination request counts as a crash. */
const STOP_WEIGHT = 0.5;
const START =
  /\b(?:server (?:is )?(?:listening|started)|listening (?:on|at)|started (?:server|application|in \d)|starting (?:up|server|application|worker|service)|booting|application started|ready to accept connections)\b/i;

function hasStack(record: LogRecord): boolean {
  if (record.msg.indexOf('\n    at ') >= 0 || record.msg.indexOf('\n\tat ') >= 0) return true;
  const err = record.attributes?.['err'] ?? record.attributes?.['error'];
  return typeof err === 'object' && err !== null && typeof (err as { stack?: unknown }).stack === 'string';
}

/** The crash-loop signal; see {@link Signal}. */
export class CrashSignal implements Signal {
  #crashes = 0;
  #starts = 0;
  #stacks = 0;

  observe(record: LogRecord, levelRank: number, weight: number): void {
    const msg = record.msg;
    const w = levelRank >= 40 ? 1 : weight;
    const stack = levelRank >= 50 && hasStack(record);
    if (stack) this.#stacks++;
    if (msg.length > 4000) {
      if (levelRank >= 60) this.#crashes += w;
      return;
    }
    if (levelRank >= 60 || CRASH.test(msg)) this.#crashes += w;
    else if (STOP.test(msg)) this.#crashes += STOP_WEIGHT * w;
    else if (START.test(msg)) this.#starts += w;
  }

  evaluate(ctx: SignalContext): SignalOutcome {
    const crashes = this.#crashes;
    const starts = this.#starts;
    const signals = { crashEvents: crashes, startEvents: starts, stackTraces: this.#stacks };
    const observations = { crashEvents: crashes, startEvents: starts };
    const ce = expectation(ctx.stat('crashEvents'), { center: 0, spread: 0.1, weight: 1 });
    const se = expectation(ctx.stat('startEvents'), { center: 0, spread: 0.2, weight: 1 });
    // Excess over the usual count, its spread and Poisson noise.
    const crashExcess = crashes - ce.center - 2 * ce.sigma - Math.sqrt(ce.center);
    const startExcess = starts - se.center - 2 * se.sigma - Math.sqrt(se.center);
    // A loop needs both crashes and restarts; repeated crashes alone count, but less.
    const loop = rise(Math.min(crashExcess, startExcess + 0.5), 0.75, 1.5);
    const crashOnly = 0.7 * rise(crashExcess, 1.5, 3);
    const risk = Math.max(loop, crashOnly);
    const message =
      `${plural(crashes, 'crash line')} (fatal, uncaught, signals) and ${plural(starts, 'restart')} ` +
      `vs usual ${ce.center.toFixed(1)} and ${se.center.toFixed(1)}` +
      (this.#stacks > 0 ? `, ${plural(this.#stacks, 'stack trace')}` : '');
    return {
      signals,
      observations,
      findings:
        risk > 0
          ? [{ label: 'Crash Loop', signal: 'crashEvents', risk, value: crashes, baseline: ce.center, message }]
          : [],
    };
  }
}
