// Express + pino, shipping to CloudSage: the one line is the `transport` below.
//   CLOUDSAGE_API_KEY=csk_... node index.mjs           serves on PORT (3000)
//   EXAMPLE_REQUESTS=50 ... node index.mjs             sends itself 50 requests, then exits (flushes on exit)
import express from 'express';
import pino from 'pino';

const logger = pino({
  base: { service: 'express-example' },
  transport: {
    target: '@cloudsage/pino',
    options: {
      endpoint: process.env.CLOUDSAGE_ENDPOINT ?? 'http://127.0.0.1:3001',
      apiKey: process.env.CLOUDSAGE_API_KEY,
    },
  },
});

const app = express();
app.use((req, res, next) => {
  const started = performance.now();
  res.on('finish', () => {
    const fields = {
      req: { method: req.method, url: req.path },
      res: { statusCode: res.statusCode },
      responseTime: Math.round(performance.now() - started),
    };
    if (res.statusCode >= 500) logger.error(fields, 'request failed');
    else logger.info(fields, 'request completed');
  });
  next();
});
app.get('/api/orders/:id', (req, res) => res.json({ id: req.params.id, status: 'shipped' }));
app.get('/api/fail', () => {
  throw new Error('inventory service unavailable');
});
app.use((err, req, res, _next) => {
  logger.error({ err, url: req.path }, 'unhandled error');
  res.status(500).json({ error: 'internal' });
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', async () => {
  const { port } = server.address();
  logger.info({ port }, 'express example listening');
  const n = Number(process.env.EXAMPLE_REQUESTS ?? 0);
  if (n === 0) return;
  for (let i = 0; i < n; i++) await fetch(`http://127.0.0.1:${port}/api/${i % 10 === 9 ? 'fail' : `orders/${i}`}`);
  server.close();
  // pino flushes the transport's worker at exit; its close waits for CloudSage to acknowledge.
});
