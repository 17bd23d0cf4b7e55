import type { Readable, Writable } from 'node:stream';
import type { CloudSage } from '@cloudsage/node';
import type { ShipConfig } from '../config.js';
import { LineSplitter } from '../tail/line-splitter.js';
import type { Pipeline } from './pipeline.js';

const READ_AHEAD_BATCHES = 8;

/** What the standard input source needs. */
export interface StdinSourceDeps {
  config: ShipConfig;
  pipeline: Pipeline;
  client: CloudSage;
  input: Readable;
  /** Where the input is copied, unchanged, unless `--quiet`. */
  output: Writable;
}

/**
 * Standard input -> pipeline. Every chunk is first copied to standard output byte for byte (so the
 * agent can sit in a pipe without hiding the app's output), then cut into lines. Resolves when the input
 * ends. With `onFull: 'wait'` reading pauses while the client's buffer is nearly full; by default the
 * client drops by policy instead, so a slow backend never blocks the app.
 *
 * @example
 * await readStdin({ config, pipeline, client, input: process.stdin, output: process.stdout });
 */
export function readStdin(deps: StdinSourceDeps): { done: Promise<void>; stop(): void } {
  const { config, pipeline, client, input, output } = deps;
  const lane = pipeline.lane({ id: 'stdin', path: '-', gen: 0 }, 0);
  const splitter = new LineSplitter(config.maxLineBytes, 'truncate');
  let offset = 0;
  let outputWaiting = false;
  let fullWaiting = false;
  let idleTimer: NodeJS.Timeout | undefined;
  const onLine = (text: string, end: number, originalBytes?: number) => pipeline.line(lane, text, end, originalBytes);
  const resumeIfClear = () => {
    if (!outputWaiting && !fullWaiting) input.resume();
  };
  const armIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (pipeline.idle()) armIdle();
    }, config.multilineTimeoutMs);
    idleTimer.unref();
  };
  // `wait`: a few batches of read-ahead keep the sender busy; pause above it, resume below half of it
  // (the gap keeps the pipe flowing in large steps instead of one chunk per check).
  const high = Math.min(config.bufferRecords * 0.8, config.batchSize * READ_AHEAD_BATCHES);
  const checkFull = () => {
    if (client.stats().buffered < high / 2) {
      fullWaiting = false;
      resumeIfClear();
      // Not unref'd: while standard input is paused, this timer is what keeps the process alive.
    } else setTimeout(checkFull, 5);
  };
  const done = new Promise<void>((resolve) => {
    const finish = () => {
      if (idleTimer) clearTimeout(idleTimer);
      splitter.end(offset, onLine);
      pipeline.endLane(lane);
      resolve();
    };
    input.on('data', (chunk: Buffer) => {
      if (!config.quiet && !output.write(chunk)) {
        outputWaiting = true;
        input.pause();
        output.once('drain', () => {
          outputWaiting = false;
          resumeIfClear();
        });
      }
      offset += chunk.length;
      splitter.push(chunk, offset, onLine);
      armIdle();
      if (config.onFull === 'wait' && !fullWaiting && client.stats().buffered >= high) {
        fullWaiting = true;
        input.pause();
        checkFull();
      }
    });
    input.once('end', finish);
    input.once('error', finish);
    input.once('close', finish);
  });
  return {
    done,
    stop() {
      input.pause();
      input.destroy();
    },
  };
}
