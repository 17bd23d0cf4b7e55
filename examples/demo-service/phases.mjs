// The demo's story as plain data, so the service (index.mjs) and a test can play the same traffic:
// healthy on release v2.14.2; an incident that builds (payments-api slows, then times out on a few
// requests, then on more); a bad deploy, v2.15.0, that adds an error nobody has seen before; a
// rollback to v2.14.3 and a recovery that fades out. Each phase's lines carry the running `version`.

/** Phase lengths in ms, from DEMO_HEALTHY_S / DEMO_INCIDENT_S / DEMO_DEPLOY_S / DEMO_RECOVERY_S. */
export function phaseLengths(env = {}) {
  const s = (name, fallback) => {
    const v = Number(env[name]);
    return (Number.isFinite(v) && v > 0 ? v : fallback) * 1000;
  };
  // The healthy phase is long enough (8 windows of 15 s) for the scorer to learn the usual templates
  // first: a template can only be "new" against a baseline of a few windows. The incident and the
  // deploy together outlast the 5 minutes the server leaves between two forecasts of a project, so
  // a forecast is written during the bad deploy, and another after the recovery.
  return {
    healthy: s('DEMO_HEALTHY_S', 120),
    incident: s('DEMO_INCIDENT_S', 150),
    deploy: s('DEMO_DEPLOY_S', 150),
    recovery: s('DEMO_RECOVERY_S', 120),
  };
}

const ORDER = ['healthy', 'incident', 'deploy', 'recovery'];

/** What each phase's service runs, and the line it logs when the phase starts. */
export const RELEASES = { healthy: 'v2.14.2', incident: 'v2.14.2', deploy: 'v2.15.0', recovery: 'v2.14.3' };
export const PHASE_START_LINE = {
  deploy: 'deployed checkout v2.15.0',
  recovery: 'rolled back checkout to v2.14.3',
};
export const BANNER = {
  healthy: 'healthy: steady traffic on v2.14.2',
  incident: 'incident: payments-api slows, then times out on a few requests, then on more',
  deploy: 'bad deploy v2.15.0: a new TypeError in CheckoutService.placeOrder on top of the timeouts',
  recovery: 'rollback to v2.14.3: errors fade out, traffic back to normal',
};

/**
 * The phase at `elapsed` ms into the demo (it loops) and how far into it, 0 to 1.
 *
 * @example
 * phaseAt(130_000, phaseLengths()); // { name: 'incident', progress: 0.13 }
 */
export function phaseAt(elapsed, lengths) {
  const total = ORDER.reduce((a, n) => a + lengths[n], 0);
  let t = elapsed % total;
  for (const name of ORDER) {
    if (t < lengths[name]) return { name, progress: t / lengths[name] };
    t -= lengths[name];
  }
  return { name: 'recovery', progress: 1 };
}

const ROUTES = ['/api/cart', '/api/products/:id', '/api/checkout', '/api/orders/:id', '/healthz'];

/** The incident's share of requests that time out at `progress`: none while payments-api only slows (the first 40%), then 1% growing to 30%. */
export function incidentErrorShare(progress) {
  if (progress < 0.4) return 0;
  const x = (progress - 0.4) / 0.6;
  return 0.01 + 0.29 * x * x;
}

/**
 * One request's log line in `phase` at `progress`: `{ level, msg, fields }`, with `rnd` a 0-1
 * random source. A healthy service declines a payment now and then (0.2%); in the incident
 * payments-api first slows, then times out on a few requests, then on more; the bad deploy adds a
 * new TypeError; after the rollback the timeouts fade out in the first third of the recovery.
 */
export function demoRequest(phase, progress, rnd) {
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const between = (lo, hi) => Math.round(lo + rnd() * (hi - lo));
  const ok = (latency) => {
    const url = pick(ROUTES);
    return {
      level: 'info',
      msg: 'request completed',
      fields: {
        req: { method: url === '/api/checkout' ? 'POST' : 'GET', url },
        res: { statusCode: 200 },
        responseTime: latency,
      },
    };
  };
  const timeout = () => ({
    level: 'error',
    msg: `upstream timeout after ${between(2500, 5000)}ms calling payments-api`,
    fields: {
      req: { method: 'POST', url: '/api/checkout' },
      res: { statusCode: 504 },
      responseTime: between(2500, 5200),
      upstream: 'payments-api',
    },
  });
  const declined = () => ({
    level: 'error',
    msg: `payment declined for order ${between(10000, 99999)}: card expired`,
    fields: { req: { method: 'POST', url: '/api/checkout' }, res: { statusCode: 402 } },
  });
  const r = rnd();
  if (r < 0.002) return declined();
  if (phase === 'healthy') {
    if (r < 0.01) return { level: 'warn', msg: 'product cache miss ratio high', fields: { cacheMissRatio: 0.4 } };
    return ok(between(12, 90));
  }
  if (phase === 'incident') {
    if (r < incidentErrorShare(progress)) return timeout();
    return ok(between(12, 90 + Math.round(900 * progress * progress)));
  }
  if (phase === 'deploy') {
    if (r < 0.3) return timeout();
    if (r < 0.45) {
      return {
        level: 'error',
        msg: "TypeError: Cannot read properties of undefined (reading 'currency') in CheckoutService.placeOrder",
        fields: { req: { method: 'POST', url: '/api/checkout' }, res: { statusCode: 500 } },
      };
    }
    return ok(between(300, 1800));
  }
  const fading = Math.max(0, 1 - 3 * progress);
  if (r < 0.3 * fading * fading) return timeout();
  return ok(between(12, 90 + Math.round(1200 * fading)));
}
