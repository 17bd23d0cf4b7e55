import type { CloudSage } from '@cloudsage/node';
import type { AckTracker } from './ack-tracker.js';
import type { PipelineCounts } from './pipeline.js';

/** The figures of one status line. */
export interface StatusFigures {
  read: number;
  sent: number;
  dropped: number;
  spooled: number;
  pending: number;
  /** Seconds since the oldest record not yet acknowledged was read (0 when none). */
  lagSeconds: number;
  files: number;
  unreadBytes: number;
  /** Resident memory of the agent, MiB. */
  rssMb: number;
  /** V8 heap in use, MiB. */
  heapMb: number;
}

/** Gathers the figures from the pipeline, tracker and client. */
export function statusFigures(
  counts: PipelineCounts,
  tracker: AckTracker,
  client: CloudSage,
  files: { open: number; unread: number },
  now = Date.now(),
): StatusFigures {
  const stats = client.stats() as ReturnType<CloudSage['stats']> & { spooled?: number };
  const d = stats.dropped;
  const oldest = tracker.oldestUnacked();
  return {
    read: counts.lines,
    sent: tracker.acked,
    dropped: d.overflow + d.oversize + d.before_send + tracker.failed + counts.rejected,
    spooled: typeof stats.spooled === 'number' ? stats.spooled : 0,
    pending: stats.buffered,
    lagSeconds: oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000),
    files: files.open,
    unreadBytes: files.unread,
    rssMb: process.memoryUsage.rss() / 1048576,
    heapMb: process.memoryUsage().heapUsed / 1048576,
  };
}

/**
 * One human-readable status line (SIGUSR1, `--stats`).
 *
 * @example
 * formatStatus(figures); // 'cloudsage: read 1200 sent 1180 dropped 0 spooled 0 pending 20 lag 0.4s files 2 unread 0B rss 80MB heap 20MB'
 */
export function formatStatus(f: StatusFigures): string {
  return (
    `cloudsage: read ${f.read} sent ${f.sent} dropped ${f.dropped} spooled ${f.spooled} pending ${f.pending} ` +
    `lag ${f.lagSeconds.toFixed(1)}s files ${f.files} unread ${f.unreadBytes}B rss ${f.rssMb.toFixed(0)}MB heap ${f.heapMb.toFixed(0)}MB\n`
  );
}
