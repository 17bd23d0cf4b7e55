import type { Level, LogRecord } from '@cloudsage/schema';
import { latencyOf, memoryMbOf } from './record-figures.js';

/** Counts by level, in the order of the `count_*` columns. */
export type LevelCounts = Record<Level, number>;

/** One minute's figures (by record time), added into `minute_metrics`. */
export interface MinuteFigures {
  minute: number;
  records: number;
  counts: LevelCounts;
  latencyCount: number;
  latencySum: number;
  latencyMax: number;
  memoryMaxMb: number;
  bytes: number;
}

const MINUTE_MS = 60_000;

function zeroCounts(): LevelCounts {
  return { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 };
}

/** A batch's figures as data (what crosses from a worker thread; a Map survives structured clone). */
export interface SummaryData {
  records: number;
  bytes: number;
  minTime: number;
  maxTime: number;
  counts: LevelCounts;
  minutes: Map<number, MinuteFigures>;
  /** Bloom filter of the lines' trigrams (services/logs/text-filter.ts), set by `finish`. */
  textFilter?: Uint8Array | undefined;
}

function digit(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

/**
 * Everything the batch row and the minute metrics need, gathered in the same pass that
 * serializes the records, so each record is visited once.
 */
export class BatchSummary implements SummaryData {
  #minutePrefix = '';
  #minuteStart = 0;
  records = 0;
  bytes = 0;
  minTime = Number.POSITIVE_INFINITY;
  maxTime = Number.NEGATIVE_INFINITY;
  readonly counts = zeroCounts();
  readonly minutes = new Map<number, MinuteFigures>();
  textFilter: Uint8Array | undefined;

  /**
   * Adds one stored record and the length of its serialized line. Answers the reason when a
   * figure of the record was out of range and left out of the metrics (see record-figures.ts).
   */
  add(record: LogRecord, bytes: number): string | undefined {
    const time = this.#timeOf(record.time);
    this.records++;
    this.bytes += bytes;
    if (time < this.minTime) this.minTime = time;
    if (time > this.maxTime) this.maxTime = time;
    this.counts[record.level]++;
    const minute = time - (((time % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
    let m = this.minutes.get(minute);
    if (!m) {
      m = {
        minute,
        records: 0,
        counts: zeroCounts(),
        latencyCount: 0,
        latencySum: 0,
        latencyMax: 0,
        memoryMaxMb: 0,
        bytes: 0,
      };
      this.minutes.set(minute, m);
    }
    m.records++;
    m.bytes += bytes;
    m.counts[record.level]++;
    const attrs = record.attributes;
    let reason: string | undefined;
    if (attrs) {
      const onLeftOut = (why: string) => {
        reason ??= why;
      };
      const latency = latencyOf(attrs, onLeftOut);
      if (latency !== undefined) {
        m.latencyCount++;
        m.latencySum += latency;
        if (latency > m.latencyMax) m.latencyMax = latency;
      }
      const memory = memoryMbOf(attrs, onLeftOut);
      if (memory !== undefined && memory > m.memoryMaxMb) m.memoryMaxMb = memory;
    }
    return reason;
  }

  /**
   * Epoch ms of a stored time. The normalizer writes `YYYY-MM-DDTHH:MM:SS.sssZ`, and a batch's
   * records share few minutes: one Date.parse a minute and digit arithmetic for the rest.
   */
  #timeOf(iso: string): number {
    if (iso.length !== 24 || iso.charCodeAt(23) !== 90 || iso.charCodeAt(19) !== 46) return Date.parse(iso);
    const prefix = iso.slice(0, 16);
    if (prefix !== this.#minutePrefix) {
      const start = Date.parse(`${prefix}:00.000Z`);
      if (Number.isNaN(start)) return Date.parse(iso);
      this.#minutePrefix = prefix;
      this.#minuteStart = start;
    }
    const seconds = digit(iso, 17) * 10 + digit(iso, 18);
    const ms = digit(iso, 20) * 100 + digit(iso, 21) * 10 + digit(iso, 22);
    return this.#minuteStart + seconds * 1000 + ms;
  }
}
