/**
 * Error and fatal rate against the project's usual rate. Counts error/fatal records, plus 5xx
 * responses logged below error level (nginx access lines, pino-http at info), once per record.
 */
import type { LogRecord } from '@cloudsage/schema';
import { count, expectation, pct, rise } from './stats.js';
import type { Signal, SignalContext, SignalOutcome } from './types.js';

/** Cold-start prior: a healthy service logs about 1% errors, give or take half a percent. */
const PRIOR = { center: 0.01, spread: 0.004, weight: 3 };

/** The HTTP status of a record, from the fields pino-http, OpenTelemetry and access logs use. */
export function statusOf(attrs: Record<string, unknown> | undefined): number {
  if (attrs === undefined) return 0;
  const v =
    attrs['statusCode'] ??
    attrs['status'] ??
    attrs['http.status_code'] ??
    attrs['http.response.status_code'] ??
    (attrs['res'] as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof v === 'number' ? v : typeof v === 'string' ? Number(v) || 0 : 0;
}

/** The error-rate signal; see {@link Signal}. */
export class ErrorRateSignal implements Signal {
  #errors = 0;
  #fatal = 0;
  #serverErrors = 0;

  observe(record: LogRecord, levelRank: number, weight: number): void {
    if (levelRank >= 50) {
      this.#errors += weight;
      if (levelRank >= 60) this.#fatal += weight;
    } else if (record.attributes !== undefined && statusOf(record.attributes) >= 500) {
      this.#serverErrors += weight;
    }
  }

  evaluate(ctx: SignalContext): SignalOutcome {
    const total = Math.max(ctx.totalRecords, 1);
    const errors = this.#errors + this.#serverErrors;
    const rate = errors / total;
    const exp = expectation(ctx.stat('errorRate'), PRIOR);
    // Count noise (Poisson on the expected errors) plus the project's usual window-to-window spread.
    const expected = exp.center * total;
    const sd = Math.sqrt(expected + (exp.sigma * total) ** 2 + 1);
    const z = (errors - expected) / sd;
    const ratio = (rate + 0.002) / (exp.center + 0.002);
    // Statistical and practical significance both: busy services pass z easily, quiet ones the ratio.
    let risk = Math.min(rise(z, 3, 3), rise(ratio, 1.5, 2));
    if (errors < 3 || rate - exp.center < 0.005) risk = 0;
    const signals = {
      errorRate: rate,
      errorCount: errors,
      fatalCount: this.#fatal,
      serverErrorResponses: this.#serverErrors,
    };
    const usual = exp.n > 0 ? `usual ${pct(exp.center)}` : `a typical ${pct(PRIOR.center)} (no history yet)`;
    return {
      signals,
      observations: { errorRate: rate },
      findings:
        risk > 0
          ? [
              {
                label: 'High Error Rate',
                signal: 'errorRate',
                risk,
                value: rate,
                baseline: exp.center,
                message: `error rate ${pct(rate)} (${count(errors)} of ${count(total)}) vs ${usual}`,
              },
            ]
          : [],
    };
  }
}
