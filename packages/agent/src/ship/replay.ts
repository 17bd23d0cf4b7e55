import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Batch, createBatch, createRedactor, type Sender } from '@cloudsage/node';
import { emptyDropCounts } from '@cloudsage/schema';
import { type Checkpoint, fileId, type PendingRange } from '../checkpoint.js';
import { MultilineJoiner, type MultilineMode } from '../multiline.js';
import { toRecordLine } from '../record.js';
import { LineSplitter } from '../tail/line-splitter.js';

/** What replaying needs. */
export interface ReplayOptions {
  checkpoint: Checkpoint;
  /** Retries until settled, and holds batches while the backend refuses the key (as the live path). */
  sender: Sender;
  mode: MultilineMode;
  maxLines: number;
  /** The line limit the batches were read with: the same bytes must make the same records. */
  maxLineBytes: number;
  service?: string | undefined;
  signal: AbortSignal;
  warn(message: string): void;
}

/** Finds the file a range was read from: at its path, or renamed beside it (rotation). */
function findFile(range: PendingRange): string | undefined {
  try {
    if (fileId(statSync(range.path)) === range.id) return range.path;
  } catch {
    // gone from its path: look beside it
  }
  const dir = dirname(range.path);
  try {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      try {
        if (fileId(statSync(full)) === range.id) return full;
      } catch {
        // vanished while looking
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function readRange(range: PendingRange): Buffer | undefined {
  const path = findFile(range);
  if (!path) return undefined;
  const fd = openSync(path, 'r');
  try {
    if (fstatSync(fd).size < range.end) return undefined;
    const buf = Buffer.alloc(range.end - range.start);
    const got = readSync(fd, buf, 0, buf.length, range.start);
    return got === buf.length ? buf : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Sends one re-read batch; `false` when shut down first. The sender retries what is retryable and holds
 * what a refused key or project keeps back, so what comes back otherwise (400: unreadable) is skipped.
 */
async function sendOrSkip(batch: Batch, options: ReplayOptions): Promise<boolean> {
  const result = await options.sender.send(batch, { signal: options.signal });
  if (options.signal.aborted) return false;
  if (result.kind !== 'sent') {
    options.warn(`re-sent batch ${batch.idempotencyKey} was refused (${result.message}); it is skipped`);
  }
  return true;
}

/**
 * At start, re-sends the batches the previous run wrote down but did not see acknowledged, each under
 * its own Idempotency-Key, so the backend counts a batch it already had once. The records are read
 * again from the journaled byte ranges. Returns the records re-sent; stops early (leaving the rest
 * journaled) when `signal` aborts.
 *
 * @example
 * await replayPending({ checkpoint, sender, mode: 'auto', maxLines: 500, signal, warn });
 */
export async function replayPending(options: ReplayOptions): Promise<number> {
  const { checkpoint } = options;
  const redactor = createRedactor({});
  let replayed = 0;
  while (checkpoint.state.pending.length > 0 && !options.signal.aborted) {
    const pending = checkpoint.state.pending[0]!;
    const lines: string[] = [];
    let rawBytes = 0;
    const now = Date.now();
    for (const range of pending.ranges) {
      const bytes = readRange(range);
      if (!bytes) {
        options.warn(`cannot re-read ${range.path} bytes ${range.start}-${range.end} of batch ${pending.key}; skipped`);
        continue;
      }
      const joiner = new MultilineJoiner(options.mode, options.maxLines, (text, _end, originalBytes) => {
        const line = toRecordLine(text, now, options.service, originalBytes);
        if (line === undefined) return;
        const out = redactor.redactLine(line);
        lines.push(out);
        rawBytes += out.length + 1;
      });
      const splitter = new LineSplitter(options.maxLineBytes, 'truncate');
      const onLine = (text: string, end: number, cut?: number) => joiner.push(text, end, now, cut);
      splitter.push(bytes, range.end, onLine);
      splitter.end(range.end, onLine);
      joiner.flush();
    }
    if (lines.length > 0) {
      const batch = createBatch(pending.key, lines, rawBytes, emptyDropCounts());
      if (!(await sendOrSkip(batch, options))) return replayed;
      replayed += lines.length;
    }
    for (const range of pending.ranges) {
      const file = checkpoint.state.files[range.id];
      if (file && file.offset < range.end) file.offset = range.end;
    }
    checkpoint.state.pending.shift();
    checkpoint.save();
  }
  return replayed;
}
