import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { authorizedProject } from '../../plugins/route-access.js';
import type { BusEvent, EventBus } from '../../services/events/event-bus.js';

const Params = z.object({ id: z.string().min(1).max(64) });

/** Options of the events route; the heartbeat is a setting so tests need not wait 15 s. */
export interface EventsRouteOptions {
  bus: EventBus;
  heartbeatMs?: number;
  /** A client that stops reading is dropped once this much is queued for it. */
  maxQueuedBytes?: number;
}

function frame(event: BusEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/**
 * `GET /api/projects/:id/events`: Server-Sent Events of one project (`score`, `forecast`,
 * `ingest`), with `id:` lines, replay after `Last-Event-ID`, and a heartbeat comment every 15 s
 * so proxies keep the connection open. Auth: the session cookie, a read key (`?key=` for
 * EventSource, which cannot set headers), or a Bearer token.
 */
export async function eventsRoutes(app: FastifyInstance, options: EventsRouteOptions): Promise<void> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxQueued = options.maxQueuedBytes ?? 1024 * 1024;
  const open = new Set<() => void>();

  app.addHook('onClose', async () => {
    for (const end of [...open]) end();
  });

  const config: FastifyContextConfig = {
    auth: ['user', 'key:read'],
    keyInQuery: true,
    openapi: {
      summary: 'Server-Sent Events: score, forecast, ingest',
      tag: 'read',
      response: 'text/event-stream',
      responseDescription: 'an event stream',
      errors: [400],
    },
  };
  app.get('/api/projects/:id/events', { config }, async (request, reply) => {
    const params = Params.safeParse(request.params);
    if (!params.success) throw new AppError('invalid_query', 'invalid project id', { details: { field: 'id' } });
    await authorizedProject(request, params.data.id);
    const projectId = params.data.id;
    const lastId = request.headers['last-event-id'];

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
      if (res.writableLength > maxQueued) end();
    };
    if (typeof lastId === 'string' && lastId) for (const e of options.bus.since(projectId, lastId)) send(frame(e));
    const unsubscribe = options.bus.subscribe(projectId, (e) => send(frame(e)));
    const heartbeat = setInterval(() => send(': ping\n\n'), heartbeatMs);
    heartbeat.unref();

    function end(): void {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
      res.end();
    }
    open.add(end);
    request.raw.on('close', end);
    res.on('error', end);
  });
}
