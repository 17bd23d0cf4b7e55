import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CloudSage, type CloudSageOptions, type Sender } from '@cloudsage/node';
import { Checkpoint } from '../checkpoint.js';
import { type ShipConfig, stateDirOf } from '../config.js';
import { EXIT_STATUS } from '../errors.js';
import type { Logger } from '../log.js';
import { AckTracker, type PlacedBatch } from '../ship/ack-tracker.js';
import { createDryRunSender } from '../ship/dry-run.js';
import { FileSource } from '../ship/file-source.js';
import { createAgentSender } from '../ship/http-sender.js';
import { multilineMode, Pipeline } from '../ship/pipeline.js';
import { fixFor, type RefusalContext, refusalMessage } from '../ship/refusal-advice.js';
import { RefusalGate } from '../ship/refusal-gate.js';
import { replayPending } from '../ship/replay.js';
import { retryUntilSettled } from '../ship/retry-until-settled.js';
import { adoptRefused, clearRefused, defaultSpoolDir, markRefused, type SpoolDestination } from '../ship/spool-dir.js';
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

// The largest pause threshold (8 batches of 10,000), one 64 KiB chunk of 2-byte lines, one held record.
const WAIT_HEADROOM = 8 * 10_000 + 32_768 + 10_000;
// Files are their own buffer: a batch is tried until the backend takes it (a given-up batch would let the
// checkpoint move past lines the backend never got), so the client's retry budget is not used for them.
const FILE_BACKOFF = { minDelayMs: 250, maxDelayMs: 30_000 };
// Standard input rides out an outage in memory (bounded by the buffer) for up to 10 minutes, retrying at
// most 5 s apart so it catches up soon after the backend is back; what is left then, or at exit, goes to
// the spool. (The client's old default, 5 retries, ran out ~4 s into a backend restart: 292 of 990 piped
// records were lost in a 30-second one without a spool.)
const STDIN_RETRY = { minDelayMs: 250, maxDelayMs: 5_000, maxAgeMs: 10 * 60_000 };

/** Standard input's spool directory: none with `--no-spool` or `--dry-run`, else the setting or the default. */
function spoolDirOf(config: ShipConfig, to: SpoolDestination | undefined): string | undefined {
  if (!config.spool || !to) return undefined;
  return config.spoolDir ?? defaultSpoolDir(stateDirOf(config), to);
}

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
  const stop = new AbortController();
  const destination: SpoolDestination | undefined = config.dryRun
    ? undefined
    : { endpoint: config.endpoint!, projectId: config.projectId, service: config.service, apiKey: config.apiKey! };
  // The spool keeps what standard input cannot give again. Files need none: they are re-read from the
  // checkpoint, and a spooled batch would settle out of order for it.
  const spoolDir = fileMode ? undefined : spoolDirOf(config, destination);
  const ownSpool = spoolDir !== undefined && config.spoolDir === undefined;
  if (config.spoolDir && fileMode)
    io.log.warn('--spool-dir applies to standard input; files resume from the checkpoint');
  if (spoolDir) {
    io.log.info(
      { spoolDir },
      `spooling standard input to ${spoolDir} (what is not sent before exit is sent from there on the next start)`,
    );
    const adopted = ownSpool && destination ? adoptRefused(spoolDir, destination) : 0;
    if (adopted > 0) {
      io.log.info(
        { batches: adopted },
        'took over the batches an earlier run spooled while the backend refused its key',
      );
    }
  }
  const context: RefusalContext = {
    endpoint: config.endpoint ?? '',
    projectId: config.projectId,
    fileMode,
    keepGoing: config.keepGoing,
    spoolDir,
    reprobeIntervalMs: config.reprobeIntervalMs,
  };
  let gate: RefusalGate | undefined;
  let sender: Sender;
  if (config.dryRun) sender = createDryRunSender(passthrough ? io.stderr : io.stdout);
  else {
    gate = new RefusalGate(
      createAgentSender({ endpoint: config.endpoint!, apiKey: config.apiKey!, projectId: config.projectId }),
      {
        // Standard input's batches go to the spool while refused, so the buffer does not fill up.
        whileRefused: spoolDir ? 'spool' : 'hold',
        reprobeMs: config.reprobeIntervalMs,
        onRefused: (refusal) => {
          io.log.error({ code: refusal.code, status: refusal.status }, refusalMessage(refusal, context));
          // Files stop (nothing is lost: the checkpoint waits); standard input never cuts the app's pipe.
          if (fileMode && !config.keepGoing) stop.abort();
        },
        onAccepted: () => io.log.info('the backend takes the batches again: sending the backlog'),
      },
    );
    sender = fileMode ? retryUntilSettled(gate.sender, FILE_BACKOFF) : gate.sender;
  }
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
    retry: fileMode ? false : STDIN_RETRY,
    exitHooks: false,
    flushTimeoutMs: config.flushTimeoutMs,
    onError: (err) => {
      // A report naming one of this run's batches that is not held means the client let it go.
      const details = err.details as { idempotencyKey?: unknown; held?: unknown } | undefined;
      if (typeof details?.idempotencyKey === 'string' && details.held !== true) tracker.gaveUp(details.idempotencyKey);
      io.log.warn({ code: err.code, status: err.status }, err.message);
    },
    stderr: { write: (line: string) => io.log.warn(line.trim()) },
  };
  if (spoolDir) options.spoolDir = spoolDir;
  const client = new CloudSage(options);
  const pipeline = new Pipeline(client, tracker, config);
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
      maxLineBytes: config.maxLineBytes,
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
  // While the backend refuses, waiting for the flush cannot help: what is left is kept as it is.
  const flushed = await client.flush({ timeoutMs: gate?.refusal ? 0 : config.flushTimeoutMs });
  // What is still in flight is aborted now; it stays journaled (files) or spooled and is sent on the next start.
  tracker.close();
  gate?.close();
  await client.shutdown({ timeoutMs: 0 });
  checkpoint?.close();
  if (statsTimer) clearInterval(statsTimer);
  for (const off of offs) off();
  if (config.stats) status();
  const refusal = gate?.refusal;
  if (ownSpool && destination) {
    // The next run with a fixed key takes these batches over (a run with this key sends them anyway).
    if (refusal) markRefused(spoolDir, destination, refusal.status);
    else clearRefused(spoolDir);
  }
  if (refusal) {
    io.log.error({ code: refusal.code, status: refusal.status }, `exit status 3: ${fixFor(refusal, context)}`);
    return EXIT_STATUS[refusal.code];
  }
  if (flushed.pending > 0) io.log.warn({ pending: flushed.pending }, 'exit: records not sent within --flush-timeout');
  return 0;
}
