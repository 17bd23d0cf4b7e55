import { EventEmitter } from 'node:events';
import { type BusEvent, type BusListener, compareEventIds, REPLAY_DEPTH } from './event-bus.js';

/**
 * Delivery to this process's subscribers, with a small per-project replay buffer. Both bus
 * drivers end here: the in-process one directly, the PostgreSQL one for each notification.
 */
export class LocalFanout {
  readonly #emitter = new EventEmitter();
  readonly #recent = new Map<string, BusEvent[]>();

  constructor() {
    // One listener per open SSE connection; the default cap of 10 would warn falsely.
    this.#emitter.setMaxListeners(0);
  }

  deliver(projectId: string, event: BusEvent): void {
    let list = this.#recent.get(projectId);
    if (!list) {
      list = [];
      this.#recent.set(projectId, list);
    }
    list.push(event);
    if (list.length > REPLAY_DEPTH) list.splice(0, list.length - REPLAY_DEPTH);
    this.#emitter.emit(projectId, event);
  }

  subscribe(projectId: string, listener: BusListener): () => void {
    this.#emitter.on(projectId, listener);
    return () => this.#emitter.off(projectId, listener);
  }

  since(projectId: string, lastId: string): BusEvent[] {
    return (this.#recent.get(projectId) ?? []).filter((e) => compareEventIds(e.id, lastId) > 0);
  }

  clear(): void {
    this.#emitter.removeAllListeners();
    this.#recent.clear();
  }
}
