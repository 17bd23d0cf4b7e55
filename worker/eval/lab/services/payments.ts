/**
 * Lab service `payments`: fastify 5 whose own pino logger writes to stdout (shipped by the `cloudsage`
 * agent tailing the file, as a sidecar would), plus winston business lines shipped by
 * `@cloudsage/winston`. Writes to PostgreSQL directly. Faults: answering 5xx (a fault-injection abort, as
 * Envoy's fault filter answers; all but one in three, or one in twelve), a memory leak up to the heap limit (`--max-old-space-size`).
 */

import { CloudSageTransport } from '@cloudsage/winston';
import Fastify from 'fastify';
import pg from 'pg';
import winston from 'winston';
import { chaosOn, env, onChaos, setChaos, startLeak } from './chaos.js';

const app = Fastify({
  logger: { level: 'info', base: { service: env.service, version: env.version, pid: process.pid } },
});
const audit = winston.createLogger({
  level: 'info',
  defaultMeta: { service: env.service, version: env.version },
  format: winston.format.combine(
    winston.format.timestamp(),
    winston.format.errors({ stack: true }),
    winston.format.json(),
  ),
  transports: [new CloudSageTransport({ endpoint: env.endpoint, apiKey: env.apiKey, service: env.service })],
});
process.on('SIGTERM', () => {
  audit.end();
  setTimeout(() => process.exit(0), 1500).unref();
});

const pool = new pg.Pool({ connectionString: env.pgUrl, max: 4, connectionTimeoutMillis: 2000 });
pool.on('error', (err) => app.log.error({ err }, 'idle pg client error'));

let stopLeak: (() => void) | undefined;
onChaos((mode, on) => {
  if (mode !== 'leak') return;
  stopLeak?.();
  stopLeak = on ? startLeak() : undefined;
});

let seq = 0;
app.post('/__chaos/:mode/:state', async (req) => {
  const { mode, state } = req.params as { mode: string; state: string };
  return { on: setChaos(mode, state === 'on') };
});

app.post('/charge', async (req, reply) => {
  seq++;
  const abort = (chaosOn('5xx') && seq % 3 !== 0) || (chaosOn('5xx-some') && seq % 12 === 0);
  if (abort) return reply.code(503).type('text/plain').send('fault filter abort');
  const { orderId, amountCents } = req.body as { orderId: number; amountCents: number };
  const { rows } = await pool.query<{ id: number }>(
    'INSERT INTO payments (order_id, amount_cents) VALUES ($1, $2) RETURNING id',
    [orderId, amountCents],
  );
  audit.info('charge captured', { orderId, paymentId: rows[0]!.id, amountCents });
  return reply.code(201).send({ paymentId: rows[0]!.id });
});

app.listen({ port: env.port, host: '127.0.0.1' }).then(() => audit.info(`payments listening on ${env.port}`));
