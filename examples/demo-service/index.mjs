// A simulated checkout service for `pnpm demo`: it logs through @cloudsage/pino like a real service
// would, first a healthy pattern, then an incident (a payments dependency timing out, a new exception after
// a deploy, memory climbing), then recovery, so the dashboard shows a score rising with labels and falling.
// Env: CLOUDSAGE_ENDPOINT, and either CLOUDSAGE_API_KEY or CLOUDSAGE_DEMO_LOGIN ({ email, password }) to make
// a "Demo shop" project and its key. DEMO_HEALTHY_S / DEMO_INCIDENT_S set the phase lengths.
import pino from 'pino';
import { setupProject } from './setup-project.mjs';

const endpoint = process.env.CLOUDSAGE_ENDPOINT ?? 'http://127.0.0.1:3001';
const healthyMs = Number(process.env.DEMO_HEALTHY_S ?? 60) * 1000;
const incidentMs = Number(process.env.DEMO_INCIDENT_S ?? 90) * 1000;
const { apiKey, projectId } = await setupProject(endpoint);

const logger = pino({
  base: { service: 'checkout', hostname: 'shop-web-1' },
  transport: { target: '@cloudsage/pino', options: { endpoint, apiKey, projectId } },
});

const routes = ['/api/cart', '/api/products/:id', '/api/checkout', '/api/orders/:id', '/healthz'];
const pick = (a) => a[Math.floor(Math.random() * a.length)];
const between = (lo, hi) => Math.round(lo + Math.random() * (hi - lo));
let heapMb = 180;

function healthyRequest() {
  const url = pick(routes);
  logger.info(
    {
      req: { method: url === '/api/checkout' ? 'POST' : 'GET', url },
      res: { statusCode: 200 },
      responseTime: between(12, 90),
    },
    'request completed',
  );
  if (Math.random() < 0.01) logger.warn({ cacheMissRatio: 0.4 }, 'product cache miss ratio high');
}

function incidentRequest() {
  const r = Math.random();
  if (r < 0.35) {
    logger.error(
      {
        req: { method: 'POST', url: '/api/checkout' },
        res: { statusCode: 504 },
        responseTime: between(2500, 5200),
        upstream: 'payments-api',
      },
      `upstream timeout after ${between(2500, 5000)}ms calling payments-api`,
    );
  } else if (r < 0.5) {
    const err = new TypeError("Cannot read properties of undefined (reading 'currency')");
    logger.error(
      { err, req: { method: 'POST', url: '/api/checkout' }, res: { statusCode: 500 }, release: 'v2.14.0' },
      'unhandled error in CheckoutService.placeOrder',
    );
  } else {
    logger.info(
      { req: { method: 'GET', url: pick(routes) }, res: { statusCode: 200 }, responseTime: between(300, 1800) },
      'request completed',
    );
  }
  heapMb = Math.min(heapMb + 0.05, 1900);
  if (Math.random() < 0.02)
    logger.warn(
      { memory: { heapUsedMb: Math.round(heapMb), rssMb: Math.round(heapMb * 1.3) } },
      `GC pause 412ms, heap used ${Math.round(heapMb)} MB`,
    );
}

const started = Date.now();
let phase = '';
setInterval(() => {
  const t = (Date.now() - started) % (healthyMs + incidentMs + healthyMs);
  const now = t < healthyMs ? 'healthy' : t < healthyMs + incidentMs ? 'incident' : 'recovery';
  if (now !== phase) {
    phase = now;
    process.stdout.write(
      `[demo] ${phase === 'incident' ? 'incident: payments-api times out, a new TypeError after deploy v2.14.0, memory climbing' : `${phase}: steady traffic`}\n`,
    );
    if (phase !== 'incident') heapMb = 180;
  }
  for (let i = 0; i < 5; i++) (phase === 'incident' ? incidentRequest : healthyRequest)();
}, 100);

const stop = () => {
  logger.flush();
  // pino ends the transport's worker on exit, and its close awaits the final flush.
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.stdout.write(`[demo] logging to ${endpoint} (project ${projectId})\n`);
