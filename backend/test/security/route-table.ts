import type { FastifyInstance } from 'fastify';

/** One method of one registered route, as Fastify's router holds it. */
export interface RouteEntry {
  method: string;
  /** The route's URL pattern, e.g. `/api/projects/:id/keys/:keyId`. */
  url: string;
}

// One line of `printRoutes({ commonPrefix: false })`: tree glyphs, the path part, its methods.
const LINE = /^((?:[│ ] {3})*)(?:├── |└── )(\S*)(?: \(([^)]*)\))?$/u;

/**
 * Every route the app registered, read from `app.printRoutes()` (buildApp registers its routes
 * before it returns, so an onRoute hook could not be added in time). A route added later is
 * covered by the tests that walk this list without anyone editing them. Each parsed entry is
 * checked against `app.hasRoute`, so a change in the printed format fails loudly instead of
 * silently shrinking the list.
 *
 * @example
 * const routes = listRoutes(app); // [{ method: 'GET', url: '/healthz' }, ...]
 */
export function listRoutes(app: FastifyInstance, options: { includeHead?: boolean } = {}): RouteEntry[] {
  const printed = app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: RouteEntry[] = [];
  for (const line of printed.split('\n')) {
    if (!line.trim()) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`unexpected printRoutes line: ${JSON.stringify(line)}`);
    const depth = (m[1] as string).length / 4;
    stack.length = depth;
    stack.push(m[2] as string);
    const joined = stack.join('');
    const url = joined.startsWith('/') ? joined : `/${joined}`;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (!method || (method === 'HEAD' && !options.includeHead)) continue;
      if (!app.hasRoute({ method: method as 'GET', url })) throw new Error(`parsed ${method} ${url}, not a route`);
      out.push({ method, url });
    }
  }
  if (out.length === 0) throw new Error('no routes parsed');
  return out;
}
