import type { CloudSage } from '@cloudsage/node';
import type { ShipConfig } from '../config.js';
import { MultilineJoiner, type MultilineMode } from '../multiline.js';
import { toRecordLine } from '../record.js';
import type { AckTracker, Source } from './ack-tracker.js';

/** Counters for the status line. */
export interface PipelineCounts {
  /** Lines read from every source. */
  lines: number;
  /** Records handed to the client (after multiline joining). */
  records: number;
  /** Records the normalizer rejected. */
  rejected: number;
}

/** One source's place in the pipeline: its tracker index and its multiline joiner. */
export interface SourceLane {
  readonly index: number;
  readonly joiner: MultilineJoiner;
}

/** The multiline mode a config names. */
export function multilineMode(config: Pick<ShipConfig, 'multiline'>): MultilineMode {
  if (config.multiline === 'auto' || config.multiline === 'off') return config.multiline;
  return new RegExp(config.multiline);
}

/**
 * Lines -> records -> client, shared by standard input and the tailer: joins multiline records per
 * source, turns each into an NDJSON line, notes its position with the tracker and buffers it in the
 * client, in that order (the tracker relies on it).
 *
 * @example
 * const lane = pipeline.lane({ id: 'stdin', path: '-', gen: 0 }, 0);
 * pipeline.line(lane, 'GET / 200', 10);
 */
export class Pipeline {
  readonly counts: PipelineCounts = { lines: 0, records: 0, rejected: 0 };
  private readonly mode: MultilineMode;
  private readonly lanes = new Set<SourceLane>();

  constructor(
    private readonly client: CloudSage,
    private readonly tracker: AckTracker,
    private readonly config: ShipConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.mode = multilineMode(config);
  }

  /** Opens a lane for a source whose next record starts at `startOffset`. */
  lane(source: Source, startOffset: number): SourceLane {
    const index = this.tracker.addSource(source, startOffset);
    const joiner = new MultilineJoiner(this.mode, this.config.multilineMaxLines, (text, end, originalBytes) =>
      this.record(index, text, end, originalBytes),
    );
    const lane = { index, joiner };
    this.lanes.add(lane);
    return lane;
  }

  /** Closes a lane: emits what it holds. */
  endLane(lane: SourceLane): void {
    lane.joiner.flush();
    this.lanes.delete(lane);
  }

  /** One line read (`originalBytes`: an over-long line, cut at the line limit). */
  line(lane: SourceLane, text: string, endOffset: number, originalBytes?: number): void {
    this.counts.lines++;
    lane.joiner.push(text, endOffset, this.now(), originalBytes);
  }

  /** Emits records held longer than the multiline timeout; returns whether any is still held. */
  idle(): boolean {
    let holding = false;
    const now = this.now();
    for (const lane of this.lanes) holding = lane.joiner.idle(now, this.config.multilineTimeoutMs) || holding;
    return holding;
  }

  /** Emits every held record (shutdown). */
  flushLanes(): void {
    for (const lane of this.lanes) lane.joiner.flush();
  }

  private record(index: number, text: string, endOffset: number, originalBytes?: number): void {
    const now = this.now();
    const line = toRecordLine(text, now, this.config.service, originalBytes);
    if (line === undefined) {
      this.counts.rejected++;
      return;
    }
    this.counts.records++;
    this.tracker.note(index, endOffset, now);
    this.client.writeLine(line);
  }
}
