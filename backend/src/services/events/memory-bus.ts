import type { ProjectEvent } from '@cloudsage/schema';
import { type EventBus, nextEventId } from './event-bus.js';
import { LocalFanout } from './local-fanout.js';

/**
 * The embedded event bus: events stay in this process (SQLite runs one backend process).
 *
 * @example
 * const bus = memoryBus(Date.now);
 * const stop = bus.subscribe('p1', (e) => send(e));
 */
export function memoryBus(now: () => number): EventBus {
  const fanout = new LocalFanout();
  return {
    async publish(projectId: string, event: ProjectEvent) {
      fanout.deliver(projectId, { id: nextEventId(now()), type: event.type, data: event.data });
    },
    subscribe: (projectId, listener) => fanout.subscribe(projectId, listener),
    since: (projectId, lastId) => fanout.since(projectId, lastId),
    async close() {
      fanout.clear();
    },
  };
}
