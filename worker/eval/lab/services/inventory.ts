/**
 * Lab service `inventory`: express 5 with winston, shipped by `@cloudsage/winston`. Stock lives in a
 * Redis cache (ioredis) in front of a static catalog. Fault: wrong values (a price field missing
 * from answers); stopping Redis is the dependency-down fault.
 */

import { CloudSageTransport } from '@cloudsage/winston';
import express from 'express';
import { Redis } from 'ioredis';
import winston from 'winston';
import { chaosOn, env, setChaos } from './chaos.js';

const logger = winston.createLogger({
  level: 'info',
  defaultMeta: { service: env.service, version: env.version },
  format: winston.format.combine(
    winston.format.timestamp(),
    winston.format.errors({ stack: true }),
    winston.format.json(),
  ),
  transports: [
    new CloudSageTransport({
      endpoint: env.endpoint,
      apiKey: env.apiKey,
      service: env.service,
      batch: { maxRecords: 500, maxBytes: 1048576, maxWaitMs: 1000 },
    }),
  ],
});

const catalog = new Map<string, { priceCents: number; available: number }>();
for (let i = 1; i <= 24; i++)
  catalog.set(`SKU-${1000 + i}`, { priceCents: 499 + i * 137, available: 20 + ((i * 37) % 180) });

// maxRetriesPerRequest 1: a command fails after one reconnect attempt instead of hanging forever.
const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 1000 });

// The chronic error every real system carries: an old release cached SKU-1024's stock as a hash, and
// the current one reads a string, so each lookup of it fails with Redis's WRONGTYPE reply, all day,
// healthy or not. Written again whenever Redis (re)starts empty, as the stale key would survive in a
// persistent cache. Sets the trickle of errors faults must be told apart from.
const LEGACY_KEY = 'stock:SKU-1024';
// Planted again a few seconds after each (re)connect too: lookups queued during an outage run before the
// 'ready' handler, and one of them can fill the key as a string first (lab-4 lost its trickle that way
// when dependency-down restarted Redis).
const plantLegacyKey = () =>
  redis
    .multi()
    .del(LEGACY_KEY)
    .hset(LEGACY_KEY, { available: '40', migrated: 'false' })
    .exec()
    .catch(() => {});
redis.on('ready', () => {
  void plantLegacyKey();
  setTimeout(plantLegacyKey, 3000).unref();
});

const app = express();
app.use(express.json());
app.use((req, res, next) => {
  const t0 = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
    logger.log(level, `${req.method} ${req.originalUrl} ${res.statusCode} ${ms.toFixed(1)}ms`, {
      method: req.method,
      url: req.originalUrl,
      status: res.statusCode,
      responseTimeMs: Math.round(ms),
    });
  });
  next();
});

app.post('/__chaos/:mode/:state', (req, res) => {
  res.json({ on: setChaos(String(req.params.mode), req.params.state === 'on') });
});

app.get('/stock/:sku', async (req, res) => {
  const sku = req.params.sku;
  const key = `stock:${sku}`;
  let hit = await redis.get(key);
  if (hit === null) {
    const item = catalog.get(sku);
    if (!item) {
      res.status(404).json({ error: 'unknown sku', sku });
      return;
    }
    hit = JSON.stringify(item);
    await redis.set(key, hit, 'EX', 300);
    logger.debug('stock cache filled', { sku });
  }
  const item = JSON.parse(hit) as { priceCents?: number; available: number };
  // wrong-values: the answer loses its price field, as after a bad schema migration upstream.
  if (chaosOn('wrong-values')) delete item.priceCents;
  res.json({ sku, ...item });
});

app.use((err: Error, req: express.Request, res: express.Response, _next: express.NextFunction) => {
  logger.error(`stock lookup failed: ${err.message}`, { err, url: req.originalUrl });
  res.status(503).json({ error: 'stock unavailable' });
});

process.on('SIGTERM', () => {
  logger.end();
  setTimeout(() => process.exit(0), 1500).unref();
});
app.listen(env.port, '127.0.0.1', () => logger.info(`inventory listening on ${env.port}`));
