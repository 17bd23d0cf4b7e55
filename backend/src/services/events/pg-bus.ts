import type { ProjectEvent } from '@cloudsage/schema';
import type { FastifyBaseLogger } from 'fastify';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../store/sql/database.js';
import { type BusEvent, type EventBus, nextEventId } from './event-bus.js';
import { LocalFanout } from './local-fanout.js';

const CHANNEL = 'cloudsage_events';
// NOTIFY payloads are capped at 8000 bytes; larger events travel as a reference to their row.
const INLINE_LIMIT = 7_000;

interface Notice {
  p: string;
  id: string;
  t: ProjectEvent['type'];
  d?: unknown;
  ref?: string;
}

async function resolveRef(db: Kysely<Database>, notice: Notice): Promise<unknown> {
  if (notice.t === 'score' && notice.ref) {
    const row = await db.selectFrom('risk_history').selectAll().where('id', '=', notice.ref).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      timestamp: new Date(row.timestamp).toISOString(),
      score: row.score,
      labels: JSON.parse(row.labels),
      signals: JSON.parse(row.signals),
      explanations: JSON.parse(row.explanations),
    };
  }
  if (notice.t === 'forecast' && notice.ref) {
    const row = await db.selectFrom('forecasts').select('payload').where('id', '=', notice.ref).executeTakeFirst();
    return row ? JSON.parse(row.payload) : undefined;
  }
  return undefined;
}

/**
 * The scale-out event bus: every replica LISTENs on one channel and NOTIFY carries each event to
 * all of them, so an SSE client sees events whichever replica produced them. A lost listening
 * connection is re-opened with backoff; events published meanwhile are missed by this replica's
 * clients (the dashboard refetches on reconnect).
 */
export async function pgBus(options: {
  url: string;
  db: Kysely<Database>;
  now: () => number;
  log: FastifyBaseLogger;
}): Promise<EventBus> {
  const fanout = new LocalFanout();
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 500;

  const onNotice = (msg: pg.Notification) => {
    if (msg.channel !== CHANNEL || !msg.payload) return;
    let notice: Notice;
    try {
      notice = JSON.parse(msg.payload) as Notice;
    } catch {
      return;
    }
    const deliver = (data: unknown) => {
      if (data !== undefined) fanout.deliver(notice.p, { id: notice.id, type: notice.t, data } satisfies BusEvent);
    };
    if ('d' in notice) deliver(notice.d);
    else resolveRef(options.db, notice).then(deliver, (err) => options.log.warn({ err }, 'event lookup failed'));
  };

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: options.url });
    c.on('notification', onNotice);
    c.on('error', (err) => {
      options.log.warn({ err }, 'event bus connection lost; reconnecting');
      c.removeAllListeners('notification');
      if (client === c) client = undefined;
      c.end().catch(() => {});
      scheduleReconnect();
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    client = c;
    retryMs = 500;
  };

  const scheduleReconnect = () => {
    if (closed) return;
    const t = setTimeout(() => {
      connect().catch(() => {
        retryMs = Math.min(retryMs * 2, 30_000);
        scheduleReconnect();
      });
    }, retryMs);
    t.unref();
  };

  await connect();

  return {
    async publish(projectId: string, event: ProjectEvent) {
      const notice: Notice = { p: projectId, id: nextEventId(options.now()), t: event.type, d: event.data };
      let payload = JSON.stringify(notice);
      if (payload.length > INLINE_LIMIT) {
        const ref = (event.data as { id?: unknown }).id;
        payload = JSON.stringify({
          p: projectId,
          id: notice.id,
          t: event.type,
          ref: typeof ref === 'string' ? ref : '',
        });
      }
      await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(options.db);
    },
    subscribe: (projectId, listener) => fanout.subscribe(projectId, listener),
    since: (projectId, lastId) => fanout.since(projectId, lastId),
    async close() {
      closed = true;
      fanout.clear();
      await client?.end().catch(() => {});
      client = undefined;
    },
  };
}
