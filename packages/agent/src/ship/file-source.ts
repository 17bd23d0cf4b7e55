import type { CloudSage } from '@cloudsage/node';
import type { Checkpoint } from '../checkpoint.js';
import type { ShipConfig } from '../config.js';
import { type TailedFile, Tailer } from '../tail/tailer.js';
import { abortableSleep } from './abortable-sleep.js';
import type { PlacedBatch } from './ack-tracker.js';
import type { Pipeline, SourceLane } from './pipeline.js';

// The client's per-record memory overhead is 64 bytes; keep well under its byte bound (64 MiB default).
const BYTES_PER_RECORD_BOUND = 128;
const MAX_BUFFER_BYTES = 64 * 1024 * 1024;
const READ_AHEAD_BATCHES = 8;
// While the buffer is full, reading resumes when a batch settles; this is only the fallback.
const BLOCKED_RETRY_MS = 5;

function headsMatch(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** What the file source needs. */
export interface FileSourceDeps {
  config: ShipConfig;
  pipeline: Pipeline;
  client: CloudSage;
  checkpoint: Checkpoint;
  /** Whether this is the first run (no checkpoint yet): only then do existing files start at their end. */
  firstRun: boolean;
  warn(message: string): void;
}

/**
 * Files -> pipeline, with the checkpoint: decides where each file starts (checkpoint, end, or start),
 * keeps the client's buffer from overfilling by reading only what fits (a file is its own buffer, so
 * nothing is dropped), and moves offsets when the tracker says batches settled.
 *
 * @example
 * const source = new FileSource(deps);
 * await source.run(stopSignal);
 */
export class FileSource {
  readonly tailer: Tailer;
  private readonly lanes = new Map<string, { lane: SourceLane; gen: number }>();
  private readonly gens = new Map<string, number>();
  private readonly retired = new Map<string, number>();
  private blocked = false;
  private bytesRead = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly deps: FileSourceDeps) {
    const { config, checkpoint } = deps;
    this.tailer = new Tailer(
      { patterns: config.files, rotateWaitMs: config.rotateWaitMs, maxLineBytes: config.maxLineBytes },
      {
        startOffset: (id, head, size, initialScan) => {
          const known = checkpoint.state.files[id];
          if (known && headsMatch(known.head, head)) return known.offset <= size ? known.offset : 0;
          if (initialScan && deps.firstRun && !config.fromStart) return size;
          return 0;
        },
        opened: (file) => this.opened(file),
        line: (file, text, end, originalBytes) => {
          this.bytesRead += (originalBytes ?? text.length) + 1;
          const entry = this.lanes.get(file.id);
          if (entry) deps.pipeline.line(entry.lane, text, end, originalBytes);
        },
        ended: (file) => {
          const entry = this.lanes.get(file.id);
          if (entry) deps.pipeline.endLane(entry.lane);
        },
        closed: (file) => {
          this.lanes.delete(file.id);
          this.retired.set(file.id, file.offset);
        },
        budget: () => this.budget(),
        warn: deps.warn,
      },
    );
  }

  /** Batches about to be sent: journal their keys and ranges first. */
  journal(batch: PlacedBatch): void {
    if (batch.ranges.length === 0) return;
    this.deps.checkpoint.journal({ key: batch.key, records: batch.records, ranges: batch.ranges });
  }

  /** Batches settled in order: move the offsets, forget their journal entries. */
  settled(batches: PlacedBatch[]): void {
    const state = this.deps.checkpoint.state;
    const keys = new Set<string>();
    for (const b of batches) {
      keys.add(b.key);
      for (const r of b.ranges) {
        const file = state.files[r.id];
        if (file && (this.gens.get(r.id) ?? 0) === r.gen) file.offset = r.end;
      }
    }
    state.pending = state.pending.filter((p) => !keys.has(p.key));
    for (const [id, end] of this.retired) {
      const file = state.files[id];
      if (!file || file.offset >= end) {
        delete state.files[id];
        this.retired.delete(id);
      }
    }
    this.deps.checkpoint.saveSoon();
    // Room in the buffer: the client counts the records out once this batch's send has returned, a few
    // microtasks from now, so the reader looks again on the next turn of the event loop.
    const wake = this.wake;
    this.wake = undefined;
    if (wake) setImmediate(wake);
  }

  /** Reads until `signal` aborts: immediately again while data is left, else after the poll interval. */
  async run(signal: AbortSignal): Promise<void> {
    const { config, pipeline } = this.deps;
    let more = false;
    let polledAt = 0;
    while (!signal.aborted) {
      this.blocked = false;
      // A backlog is read a slice per turn; the files are rescanned and checked once per poll interval.
      const now = Date.now();
      if (more && now - polledAt < config.pollIntervalMs) more = this.tailer.readMore();
      else {
        polledAt = now;
        more = this.tailer.poll();
      }
      pipeline.idle();
      if (more && !this.blocked) await new Promise((r) => setImmediate(r));
      else if (this.blocked)
        await abortableSleep(Math.min(BLOCKED_RETRY_MS, config.pollIntervalMs), signal, (wake) => {
          this.wake = wake;
        });
      else await abortableSleep(config.pollIntervalMs, signal);
    }
  }

  private opened(file: TailedFile): void {
    const state = this.deps.checkpoint.state;
    const previous = this.lanes.get(file.id);
    const gen = previous ? previous.gen + 1 : 0;
    this.gens.set(file.id, gen);
    const lane = this.deps.pipeline.lane({ id: file.id, path: file.path, gen }, file.offset);
    this.lanes.set(file.id, { lane, gen });
    const known = state.files[file.id];
    if (!known || previous) state.files[file.id] = { path: file.path, offset: file.offset, head: file.head };
    else known.path = file.path;
    this.deps.checkpoint.save();
  }

  private budget(): number {
    const { config, client, pipeline } = this.deps;
    const stats = client.stats();
    // Hard bound: every record is at least 2 bytes ("a\n"), so this many bytes can never overfill the
    // client's buffer (an overflow would drop records, and the checkpoint relies on none being dropped).
    const hard = (config.bufferRecords - stats.buffered - config.multilineMaxLines) * 2;
    // Soft bound: a few batches of read-ahead is enough to keep the sender busy; the file is the buffer,
    // so memory stays small however far behind the reader is.
    const c = pipeline.counts;
    const avgLine = c.lines > 1000 ? Math.max(2, this.bytesRead / c.lines) : 64;
    const soft = (Math.min(config.bufferRecords, config.batchSize * READ_AHEAD_BATCHES) - stats.buffered) * avgLine;
    const byBytes = (MAX_BUFFER_BYTES / 2 - stats.bytes) / BYTES_PER_RECORD_BOUND;
    const budget = Math.floor(Math.min(hard, soft, byBytes * 2));
    if (budget < 4096) {
      this.blocked = true;
      return 0;
    }
    return budget;
  }
}
