// Fastify + winston, shipping to CloudSage: the one line is the CloudSageTransport below.
//   CLOUDSAGE_API_KEY=csk_... node index.mjs          serves on PORT (3000)
//   EXAMPLE_REQUESTS=50 ... node index.mjs            sends itself 50 requests, then ends the logger and exits
import { CloudSageTransport } from '@cloudsage/winston';
import Fastify from 'fastify';
import winston from 'winston';

const logger = winston.createLogger({
  level: 'info',
  defaultMeta: { service: 'fastify-example' },
  format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.json()),
  transports: [
    new winston.transports.Console({ level: 'warn' }),
    new CloudSageTransport({
      endpoint: process.env.CLOUDSAGE_ENDPOINT ?? 'http://127.0.0.1:3001',
      apiKey: process.env.CLOUDSAGE_API_KEY,
    }),
  ],
});

// Fastify's own logger stays off; a hook logs each request through winston with its timing.
const app = Fastify({ logger: false });
app.addHook('onResponse', async (req, reply) => {
  const fields = {
    method: req.method,
    url: req.routeOptions.url,
    statusCode: reply.statusCode,
    responseTime: Math.round(reply.elapsedTime),
  };
  logger.log(
    reply.statusCode >= 500 ? 'error' : 'info',
    reply.statusCode >= 500 ? 'request failed' : 'request completed',
    fields,
  );
});
app.get('/api/users/:id', async (req) => ({ id: req.params.id, plan: 'pro' }));
app.get('/api/report', async () => {
  throw new Error('report generator crashed: template missing');
});
app.setErrorHandler(async (err, req, reply) => {
  logger.error('unhandled error', { err, url: req.url });
  return reply.status(500).send({ error: 'internal' });
});

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
const { port } = app.server.address();
logger.info('fastify example listening', { port });
const n = Number(process.env.EXAMPLE_REQUESTS ?? 0);
if (n > 0) {
  for (let i = 0; i < n; i++) await fetch(`http://127.0.0.1:${port}/api/${i % 10 === 9 ? 'report' : `users/${i}`}`);
  await app.close();
  // logger.end() finishes once every transport has flushed, CloudSage's included.
  logger.on('finish', () => process.exit(0));
  logger.end();
}
