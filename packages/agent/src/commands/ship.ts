import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CloudSage, type CloudSageOptions } from '@cloudsage/node';
import { Checkpoint } from '../checkpoint.js';
import { type ShipConfig, stateDirOf } from '../config.js';
import type { Logger } from '../log.js';
import { AckTracker, type PlacedBatch } from '../ship/ack-tracker.js';
import { createDryRunSender } from '../ship/dry-run.js';
import { FileSource } from '../ship/file-source.js';
import { createAgentSender } from '../ship/http-sender.js';
import { multilineMode, Pipeline } from '../ship/pipeline.js';
import { replayPending } from '../ship/replay.js';
import { formatStatus, statusFigures } from '../ship/status.js';
import { readStdin } from '../ship/stdin-source.js';

/** The process surface `ship` uses, injectable for tests. */
export interface ShipIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  log: Logger;
  /** Registers a signal handler; returns a function that removes it. */
  onSignal(signal: NodeJS.Signals, handler: () => void): () => void;
}

// Files are their own buffer, so their batches keep trying for long (the file is re-read after a restart
// anyway); standard input keeps the client's default budget and relies on the spool.
// The largest pause threshold (8 batches of 10,000), one 64 KiB chunk of 2-byte lines, one held record.
const WAIT_HEADROOM = 8 * 10_000 + 32_768 + 10_000;
const FILE_RETRY = { retries: 100, minDelayMs: 250, maxDelayMs: 30_000, maxRetryTimeMs: 6 * 3_600_000 };

/**
 * `cloudsage ship`: standard input, or the files given with `--file`, to the backend. Resolves with the
 * exit status once the input ended (stdin) or a SIGTERM/SIGINT arrived, after a flush bounded by
 * `flushTimeoutMs`.
 *
 * @example
 * const status = await ship(config, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, log, onSignal });
 */
export async function ship(config: ShipConfig, io: ShipIo): Promise<number> {
  const fileMode = config.files.length > 0;
  const passthrough = !fileMode && !config.quiet;
  const sender = config.dryRun
    ? createDryRunSender(passthrough ? io.stderr : io.stdout)
    : createAgentSender({ endpoint: config.endpoint!, apiKey: config.apiKey!, projectId: config.projectId });
  let source: FileSource | undefined;
  let checkpoint: Checkpoint | undefined;
  const tracker = new AckTracker(
    sender,
    {
      journal: (b: PlacedBatch) => source?.journal(b),
      settled: (bs: PlacedBatch[]) => source?.settled(bs),
    },
    fileMode || config.onFull === 'wait',
  );
  const options: CloudSageOptions = {
    sender: tracker.sender,
    idGenerator: tracker.newId,
    batch: { maxRecords: config.batchSize, maxWaitMs: config.batchWaitMs },
    // `--on-full wait` pauses standard input between chunks, and one chunk (64 KiB) may hold up to
    // 32,768 lines: the buffer keeps that much room above the pause threshold, so nothing is dropped.
    maxBufferRecords:
      !fileMode && config.onFull === 'wait' ? Math.max(config.bufferRecords, WAIT_HEADROOM) : config.bufferRecords,
    exitHooks: false,
    flushTimeoutMs: config.flushTimeoutMs,
    onError: (err) => {
      const key = (err.details as { idempotencyKey?: unknown } | undefined)?.idempotencyKey;
      if (err.code === 'batch_failed' && typeof key === 'string') tracker.gaveUp(key);
      io.log.warn({ code: err.code, status: err.status }, err.message);
    },
    stderr: { write: (line: string) => io.log.warn(line.trim()) },
  };
  if (fileMode) options.retry = FILE_RETRY;
  // The spool keeps what standard input cannot give again. Files need none: they are re-read from the
  // checkpoint, and a spooled batch would settle out of order for it.
  if (config.spoolDir && !fileMode) options.spoolDir = config.spoolDir;
  if (config.spoolDir && fileMode)
    io.log.warn('--spool-dir applies to standard input; files resume from the checkpoint');
  const client = new CloudSage(options);
  const pipeline = new Pipeline(client, tracker, config);
  const stop = new AbortController();
  const warn = (message: string) => io.log.warn(message);

  const status = () =>
    io.stderr.write(
      formatStatus(
        statusFigures(pipeline.counts, tracker, client, {
          open: source?.tailer.open.length ?? 0,
          unread: source?.tailer.unread() ?? 0,
        }),
      ),
    );
  const offs: Array<() => void> = [io.onSignal('SIGUSR1', status)];
  const statsTimer = config.stats ? setInterval(status, config.statsIntervalMs) : undefined;
  statsTimer?.unref();

  let signalled = false;
  const signalled$ = new Promise<void>((resolve) => {
    const onStop = (signal: NodeJS.Signals) => () => {
      if (signalled) {
        // A second signal: stop waiting for the flush.
        io.log.warn({ signal }, 'second signal: exiting without waiting for the flush');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      signalled = true;
      io.log.info({ signal }, 'stopping: flushing what is buffered');
      stop.abort();
      resolve();
    };
    offs.push(io.onSignal('SIGTERM', onStop('SIGTERM')), io.onSignal('SIGINT', onStop('SIGINT')));
  });

  if (fileMode) {
    const stateDir = stateDirOf(config);
    const path = join(stateDir, 'checkpoint.json');
    const firstRun = !existsSync(path);
    checkpoint = Checkpoint.open(path, warn, !config.dryRun);
    source = new FileSource({ config, pipeline, client, checkpoint, firstRun, warn });
    offs.push(io.onSignal('SIGHUP', () => source?.tailer.reopen()));
    const replayed = await replayPending({
      checkpoint: checkpoint,
      sender,
      mode: multilineMode(config),
      maxLines: config.multilineMaxLines,
      service: config.service,
      signal: stop.signal,
      warn,
    });
    if (replayed > 0) io.log.info({ records: replayed }, 're-sent the batches not acknowledged before the restart');
    await source.run(stop.signal);
    source.tailer.stop();
  } else {
    const stdin = readStdin({ config, pipeline, client, input: io.stdin, output: io.stdout });
    await Promise.race([stdin.done, signalled$]);
    if (signalled) {
      // The app usually gets the same signal: give its last lines a moment to arrive.
      await Promise.race([stdin.done, new Promise((r) => setTimeout(r, Math.min(1000, config.flushTimeoutMs)))]);
      stdin.stop();
    }
  }

  pipeline.flushLanes();
  const flushed = await client.flush({ timeoutMs: config.flushTimeoutMs });
  // What is still in flight is aborted now; it stays journaled and is re-sent on the next start.
  tracker.close();
  await client.shutdown({ timeoutMs: 0 });
  checkpoint?.close();
  if (statsTimer) clearInterval(statsTimer);
  for (const off of offs) off();
  if (config.stats) status();
  if (flushed.pending > 0) io.log.warn({ pending: flushed.pending }, 'exit: records not sent within --flush-timeout');
  return 0;
}
