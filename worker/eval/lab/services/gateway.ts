/**
 * Lab service `gateway`: express 5 with pino-http, shipped by the `@cloudsage/pino` transport. It fronts
 * orders and inventory over HTTP (Node's fetch, i.e. undici). Faults: a CPU hog in its process; a "bad deploy" (`LAB_CHAOS=bad-deploy`,
 * with another `APP_VERSION`) ships a promo-code parser that throws on requests without the header.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { chaosOn, cloudsagePinoTarget, env, onChaos, pinoShipping, setChaos, startCpuHog } from './chaos.js';

const logger = pino({
  base: { service: env.service, version: env.version, pid: process.pid },
  transport: { target: cloudsagePinoTarget, options: pinoShipping() },
});
process.on('SIGTERM', () => process.exit(0));

let stopHog: (() => void) | undefined;
onChaos((mode, on) => {
  if (mode !== 'cpu') return;
  stopHog?.();
  stopHog = on ? startCpuHog() : undefined;
});

const app = express();
app.use(express.json());
app.use(pinoHttp({ logger }));

async function call(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(2500),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

function relay(res: Response, out: { status: number; body: unknown }): void {
  res.status(out.status >= 500 ? 502 : out.status).json(out.body);
}

app.post('/__chaos/:mode/:state', (req, res) => {
  res.json({ on: setChaos(String(req.params.mode), req.params.state === 'on') });
});

app.get('/api/products/:sku', async (req, res) => {
  relay(res, await call(`${env.inventoryUrl}/stock/${encodeURIComponent(req.params.sku)}`));
});

app.post('/api/orders', async (req, res) => {
  if (chaosOn('bad-deploy')) {
    // The new release's promo feature: parses a header most clients never send.
    const promo = JSON.parse(req.headers['x-promo-code'] as string) as { pct: number };
    req.log.info({ promo }, 'promo applied');
  }
  const out = await call(`${env.ordersUrl}/orders`, { method: 'POST', body: JSON.stringify(req.body) });
  if (out.status === 201) req.log.info({ orderId: (out.body as { id: number }).id }, 'order accepted');
  relay(res, out);
});

app.get('/api/orders/:id', async (req, res) => {
  relay(res, await call(`${env.ordersUrl}/orders/${encodeURIComponent(req.params.id)}`));
});

// Express 5 hands rejected handlers here; pino-http logs the 5xx with the error attached.
app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
  res.err = err;
  req.log.error({ err }, 'request failed');
  res.status(500).json({ error: 'internal error' });
});

app.listen(env.port, '127.0.0.1', () => logger.info({ port: env.port }, 'gateway listening'));
