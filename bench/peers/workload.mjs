// The burst every logger gets: the same request-log shape the @cloudsage/node bench uses, one error in 50.
// Built per call (cheap, and the same cost in every run) so no 300,000-object array inflates peak RSS.
const ROUTES = ['/api/orders', '/api/users/:id', '/healthz', '/api/cart', '/api/search'];

/**
 * The i-th record of the burst.
 * @param {number} i
 * @returns {{ error: boolean, msg: string, attrs: { reqId: string, req: { method: string, url: string }, res: { statusCode: number }, responseTime: number } }}
 */
export function record(i) {
  const error = i % 50 === 0;
  return {
    error,
    msg: error ? `upstream timeout after ${1000 + (i % 900)}ms` : 'request completed',
    attrs: {
      reqId: `req-${i.toString(36)}`,
      req: { method: i % 3 === 0 ? 'POST' : 'GET', url: ROUTES[i % ROUTES.length] },
      res: { statusCode: error ? 504 : 200 },
      responseTime: 5 + (i % 120),
    },
  };
}
