import type { IngestResponse } from '@cloudsage/schema';
import type { ClientRejection, IngestBatch } from './ingest-batches.js';

/** A rejected item (or a kept one the server left a note on), by its number in the original input. */
export interface IngestProblem {
  /** 1-based line number (lines) or record number (JSON) in the paste or file. */
  number: number;
  reason: string;
  /** True for a note on a record that was stored anyway (a figure left out of the metrics). */
  kept: boolean;
  /** The start of the item, to recognise it by. */
  text: string | undefined;
}

/** The figures of an upload so far; `accepted + rejected + notSent` is every item read. */
export interface IngestTotals {
  accepted: number;
  rejected: number;
  /** Items in batches that failed or were cancelled. */
  notSent: number;
  /** The first problems by number, at most the cap. */
  problems: IngestProblem[];
  /** Rejections not in `problems` (past the cap, or past the server's own cap of reasons a batch). */
  unlisted: number;
  /** What went wrong with whole batches, one sentence each. */
  failures: string[];
  requests: number;
}

// The server's note on a record it kept (backend/src/services/ingest/record-figures.ts, leftOut) is
// listed among the errors under the record's index; it is not a rejection.
const NOTE_PREFIX = 'figure_out_of_range:';
const SHOWN_CHARS = 200;

/**
 * Adds up the answers of an upload's batches, mapping each server index back to the item's number
 * in the original input, and keeps the first `cap` problems by number (memory stays bounded
 * however many lines are refused).
 *
 * @example
 * const tally = new IngestTally(100);
 * tally.answered(batch, { batchId: 'b', accepted: 9, rejected: 1, errors: [{ index: 3, message: 'x' }] });
 * tally.totals().problems[0].number; // batch.numbers[3]
 */
export class IngestTally {
  #accepted = 0;
  #rejected = 0;
  #notSent = 0;
  #requests = 0;
  #problems: IngestProblem[] = [];
  #failures: string[] = [];

  constructor(private readonly cap = 100) {}

  /** Items refused before sending. */
  refused(rejections: readonly ClientRejection[]): void {
    this.#rejected += rejections.length;
    for (const r of rejections) {
      this.#list({ number: r.number, reason: r.reason, kept: false, text: r.text?.slice(0, SHOWN_CHARS) });
    }
  }

  /** A batch's 202 answer. */
  answered(batch: IngestBatch, response: IngestResponse): void {
    this.#requests++;
    this.#accepted += response.accepted;
    this.#rejected += response.rejected;
    for (const e of response.errors) {
      const number = batch.numbers[e.index];
      if (number === undefined) continue;
      this.#list({
        number,
        reason: e.message,
        kept: e.message.startsWith(NOTE_PREFIX),
        text: batch.items[e.index]?.slice(0, SHOWN_CHARS),
      });
    }
  }

  /** One item the server refused on its own (a lone record over the server's limits). */
  refusedBy(batch: IngestBatch, reason: string): void {
    this.#requests++;
    this.#rejected += batch.items.length;
    batch.items.forEach((item, i) => {
      this.#list({ number: batch.numbers[i] as number, reason, kept: false, text: item.slice(0, SHOWN_CHARS) });
    });
  }

  /** A batch that was not stored: failed for good, or cancelled. */
  notSent(batch: IngestBatch, failure?: string): void {
    this.#notSent += batch.items.length;
    if (failure !== undefined) {
      const first = batch.numbers[0];
      const last = batch.numbers[batch.numbers.length - 1];
      const noun = batch.form === 'json' ? 'Records' : 'Lines';
      this.#failures.push(`${noun} ${first}–${last} were not stored: ${failure}`);
    }
  }

  totals(): IngestTotals {
    this.#trim();
    const shownRejected = this.#problems.filter((p) => !p.kept).length;
    return {
      accepted: this.#accepted,
      rejected: this.#rejected,
      notSent: this.#notSent,
      problems: this.#problems.slice(),
      unlisted: this.#rejected - shownRejected,
      failures: this.#failures.slice(),
      requests: this.#requests,
    };
  }

  #list(p: IngestProblem): void {
    this.#problems.push(p);
    // Sorting now and then, not per item: batches answer out of order when two are in flight.
    if (this.#problems.length >= this.cap * 4) this.#trim();
  }

  #trim(): void {
    this.#problems.sort((a, b) => a.number - b.number);
    if (this.#problems.length > this.cap) this.#problems.length = this.cap;
  }
}
