import type { ProjectEvent } from '@cloudsage/schema';

/** An event as delivered to SSE clients: its id (for `Last-Event-ID`), name and payload. */
export interface BusEvent {
  id: string;
  type: ProjectEvent['type'];
  data: unknown;
}

/** Receives a project's events. */
export type BusListener = (event: BusEvent) => void;

/**
 * Carries a project's live events (`score`, `forecast`, `ingest`) to every SSE client, across
 * replicas on PostgreSQL (LISTEN/NOTIFY) or within the process on SQLite.
 */
export interface EventBus {
  publish(projectId: string, event: ProjectEvent): Promise<void>;
  /** Listens to one project; answers the function that stops listening. */
  subscribe(projectId: string, listener: BusListener): () => void;
  /** Recent events after `lastId`, oldest first, for a client that reconnects with Last-Event-ID. */
  since(projectId: string, lastId: string): BusEvent[];
  close(): Promise<void>;
}

/** How many recent events per project are kept for reconnecting clients. */
export const REPLAY_DEPTH = 100;

let seq = 0;

/** Event ids sort by time, then by a per-process counter: `<ms>-<n>`. */
export function nextEventId(now: number): string {
  seq = (seq + 1) % 1_000_000_000;
  return `${now}-${seq}`;
}

/** Compares two event ids; unparseable ids sort first. */
export function compareEventIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  if (!Number.isFinite(am) || !Number.isFinite(bm)) return Number.isFinite(am) ? 1 : Number.isFinite(bm) ? -1 : 0;
  return (am as number) - (bm as number) || (as ?? 0) - (bs ?? 0);
}
