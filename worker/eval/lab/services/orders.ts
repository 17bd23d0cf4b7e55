/**
 * Lab service `orders`: fastify 5 with its own pino logger, shipped by the `@cloudsage/pino` transport,
 * and a small pg Pool (to PostgreSQL, through the lab's delaying proxy). It calls inventory and payments.
 * Faults: a bug in GET /orders/:id, leaked pool clients (pool exhaustion), a noisy reconcile batch.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { chaosOn, cloudsagePinoTarget, env, onChaos, pinoShipping, setChaos } from './chaos.js';

const app = Fastify({
  logger: {
    level: 'info',
    base: { service: env.service, version: env.version, pid: process.pid },
    transport: { target: cloudsagePinoTarget, options: pinoShipping() },
  },
});
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));

// A small pool, as many services run: five clients, 1.5 s to wait for one.
const pool = new pg.Pool({
  connectionString: env.pgUrl,
  max: 5,
  connectionTimeoutMillis: 1500,
  query_timeout: 4000,
});
pool.on('error', (err) => app.log.error({ err }, 'idle pg client error'));

const leaked: pg.PoolClient[] = [];
let batchTimer: NodeJS.Timeout | undefined;
onChaos((mode, on) => {
  if (mode === 'pool-leak' && !on) {
    for (const c of leaked.splice(0)) c.release();
  }
  if (mode === 'batch') {
    clearInterval(batchTimer);
    batchTimer = on ? startReconcile() : undefined;
  }
});

/** The nightly ledger reconcile, run by hand: many info lines, no errors. */
function startReconcile(): NodeJS.Timeout {
  let entry = 0;
  const log = app.log.child({ job: 'reconcile-ledger', runId: `rc-${Date.now().toString(36)}` });
  log.info('reconcile batch started');
  return setInterval(() => {
    for (let i = 0; i < 4; i++) {
      entry++;
      log.info({ entry, account: `acct-${(entry * 7919) % 5000}`, deltaCents: 0 }, 'ledger entry reconciled');
    }
    if (entry % 400 === 0) log.info({ entries: entry }, 'reconcile checkpoint written');
  }, 250);
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(2000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

app.post('/__chaos/:mode/:state', async (req) => {
  const { mode, state } = req.params as { mode: string; state: string };
  return { on: setChaos(mode, state === 'on') };
});

app.post('/orders', async (req, reply) => {
  const { sku, qty, customer } = (req.body ?? {}) as { sku?: string; qty?: number; customer?: string };
  if (!sku || !Number.isInteger(qty) || (qty as number) <= 0) {
    return reply.code(400).send({ error: 'sku and a positive integer qty are required' });
  }
  if (chaosOn('pool-leak')) {
    // The regression: an audit helper checks a client out and forgets to release it.
    const c = await pool.connect();
    // A request that waited for a client while the fault was undone gets one afterwards: the fixed
    // release gives it back. Kept, it leaked past the undo, and the pool stayed exhausted for good.
    if (chaosOn('pool-leak')) {
      leaked.push(c);
      await c.query('SELECT 1');
    } else c.release();
  }
  const stock = await getJson(`${env.inventoryUrl}/stock/${encodeURIComponent(sku)}`);
  if (stock.status === 404) return reply.code(404).send({ error: 'unknown sku' });
  if (stock.status !== 200) throw new Error(`inventory answered ${stock.status}`);
  if (stock.body.available < (qty as number)) return reply.code(409).send({ error: 'out of stock' });
  const total = (qty as number) * stock.body.priceCents;
  const { rows } = await pool.query<{ id: number }>(
    'INSERT INTO orders (sku, qty, total_cents, customer) VALUES ($1, $2, $3, $4) RETURNING id',
    [sku, qty, total, customer ?? null],
  );
  const id = rows[0]!.id;
  const pay = await getJson(`${env.paymentsUrl}/charge`, {
    method: 'POST',
    body: JSON.stringify({ orderId: id, amountCents: total }),
  });
  if (pay.status !== 201) {
    await pool.query("UPDATE orders SET status = 'payment_failed' WHERE id = $1", [id]);
    req.log.error({ orderId: id, paymentStatus: pay.status }, `payment for order ${id} failed with HTTP ${pay.status}`);
    return reply.code(502).send({ error: 'payment failed' });
  }
  await pool.query("UPDATE orders SET status = 'paid' WHERE id = $1", [id]);
  req.log.info({ orderId: id, sku, qty, totalCents: total }, 'order placed');
  return reply.code(201).send({ id });
});

app.get('/orders/:id', async (req, reply) => {
  const id = Number((req.params as { id: string }).id);
  if (!Number.isInteger(id)) return reply.code(400).send({ error: 'bad id' });
  const { rows } = await pool.query('SELECT id, sku, qty, total_cents, customer, status FROM orders WHERE id = $1', [
    id,
  ]);
  const row = rows[0];
  if (!row) return reply.code(404).send({ error: 'no such order' });
  // The bug: a refactor reads the customer from a joined profile that is not selected.
  const customer = chaosOn('exception') ? row.profile.name.trim() : row.customer;
  return { id: row.id, sku: row.sku, qty: row.qty, totalCents: row.total_cents, customer, status: row.status };
});

app.listen({ port: env.port, host: '127.0.0.1' });
