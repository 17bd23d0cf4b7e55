import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { authorizedProject } from '../../plugins/route-access.js';
import type { BusEvent, EventBus } from '../../services/events/event-bus.js';
import { StreamBudget } from '../../services/events/stream-budget.js';

const Params = z.object({ id: z.string().min(1).max(64) });

/** Options of the events route; the heartbeat is a setting so tests need not wait 15 s. */
export interface EventsRouteOptions {
  bus: EventBus;
  heartbeatMs?: number;
  /** A client that stops reading is dropped once this much is queued for it. */
  maxQueuedBytes?: number;
}

/** Seconds a refused stream is told to wait: long enough for a stream of its own to end. */
export const STREAMS_RETRY_AFTER_S = 30;

type CloseReason = 'client' | 'max_age' | 'slow_reader' | 'shutdown';

function frame(event: BusEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/**
 * `GET /api/projects/:id/events`: Server-Sent Events of one project (`score`, `forecast`,
 * `ingest`), with `id:` lines, replay after `Last-Event-ID`, and a heartbeat comment every 15 s
 * so proxies keep the connection open. Auth: the session cookie, a read key (`?key=` for
 * EventSource, which cannot set headers), or a Bearer token. Streams are capped per key, user,
 * client address and server (429 `too_many_streams`) and closed after `maxAgeMs`; EventSource
 * then reconnects with Last-Event-ID and is replayed what it missed (docs/architecture.md, "Events").
 */
export async function eventsRoutes(app: FastifyInstance, options: EventsRouteOptions): Promise<void> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxQueued = options.maxQueuedBytes ?? 1024 * 1024;
  const { events: limits } = app.config;
  const budget = new StreamBudget({
    perKey: limits.maxPerKey,
    perUser: limits.maxPerUser,
    perAddress: limits.maxPerAddress,
    perServer: limits.maxPerServer,
  });
  const open = new Set<(reason: CloseReason) => void>();

  app.addHook('onClose', async () => {
    for (const end of [...open]) end('shutdown');
  });

  const config: FastifyContextConfig = {
    auth: ['user', 'key:read'],
    keyInQuery: true,
    openapi: {
      summary: 'Server-Sent Events: score, forecast, ingest',
      tag: 'read',
      response: 'text/event-stream',
      responseDescription: 'an event stream',
      errors: [400, 429],
    },
  };
  app.get('/api/projects/:id/events', { config }, async (request, reply) => {
    const params = Params.safeParse(request.params);
    if (!params.success) throw new AppError('invalid_query', 'invalid project id', { details: { field: 'id' } });
    await authorizedProject(request, params.data.id);
    const projectId = params.data.id;
    const lastId = request.headers['last-event-id'];
    const identity = request.identity;
    const slot = budget.admit({
      keyId: identity?.kind === 'key' ? identity.keyId : undefined,
      userId: identity?.kind === 'user' ? identity.userId : undefined,
      address: request.ip,
    });
    if (!slot.ok) {
      app.metrics.eventStreamsRejected.inc({ cap: slot.cap });
      throw new AppError('too_many_streams', `too many open event streams for this ${slot.cap}`, {
        details: { cap: slot.cap },
        retryAfter: STREAMS_RETRY_AFTER_S,
      });
    }
    app.metrics.eventStreamsOpen.set(undefined, budget.open);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    res.write('retry: 3000\n\n');

    let ended = false;
    const send = (chunk: string) => {
      if (ended) return;
      res.write(chunk);
      // A client that does not read would make us buffer without bound; drop it instead.
      if (res.writableLength > maxQueued) end('slow_reader');
    };
    if (typeof lastId === 'string' && lastId) for (const e of options.bus.since(projectId, lastId)) send(frame(e));
    const unsubscribe = options.bus.subscribe(projectId, (e) => send(frame(e)));
    const heartbeat = setInterval(() => send(': ping\n\n'), heartbeatMs);
    heartbeat.unref();
    // A stream may not hold its socket for ever: past its age it ends, and EventSource reconnects
    // (after `retry:`) with Last-Event-ID, passing the caps again.
    const maxAge = setTimeout(() => end('max_age'), limits.maxAgeMs);
    maxAge.unref();

    function end(reason: CloseReason): void {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      clearTimeout(maxAge);
      unsubscribe();
      open.delete(end);
      if (slot.ok) slot.release();
      app.metrics.eventStreamsOpen.set(undefined, budget.open);
      app.metrics.eventStreamsClosed.inc({ reason });
      res.end();
    }
    open.add(end);
    request.raw.on('close', () => end('client'));
    res.on('error', () => end('client'));
  });
}
