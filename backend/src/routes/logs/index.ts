import { Level, LogFacets, LogsPage } from '@cloudsage/schema';
import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { parseQuery } from '../../http/validation.js';
import { countSkippedInput } from '../../instrumentation/metrics.js';
import { authorizedProject } from '../../plugins/route-access.js';
import type { ReportSkipped } from '../../services/logs/batch-reader.js';
import { logFacets } from '../../services/logs/log-facets.js';
import { QUERY_GRAMMAR } from '../../services/logs/log-search.js';
import { decodeCursor } from '../../services/logs/logs-cursor.js';
import { queryLogs, type ScanBudget } from '../../services/logs/logs-query.js';
import { checkSearchRate } from '../../services/logs/search-rate-limit.js';

/** Records a page answers when `limit` is not given, and the most it may ask for. */
export const DEFAULT_LOGS_LIMIT = 100;
export const MAX_LOGS_LIMIT = 1000;

// A time bound is ISO-8601 (what the dashboard sends) or epoch milliseconds (what scripts send).
const TimeBound = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

// The filter a logs page and its facets share.
const FilterQuery = z.object({
  from: TimeBound.optional().describe('start: ISO-8601 or epoch milliseconds'),
  to: TimeBound.optional().describe('end: ISO-8601 or epoch milliseconds'),
  level: Level.optional().describe('minimum level'),
  q: z.string().min(1).max(1000).optional().describe(`search: ${QUERY_GRAMMAR}`),
  service: z.string().min(1).max(200).optional().describe('only this service (exact)'),
  host: z.string().min(1).max(200).optional().describe('only this host (exact)'),
  traceId: z.string().min(1).max(200).optional().describe('only this trace'),
});

// Strict: an unknown parameter (`?servce=api`) answers 400 rather than being ignored into a wider result.
const LogsQuery = FilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(MAX_LOGS_LIMIT).default(DEFAULT_LOGS_LIMIT).describe('page size'),
  cursor: z.string().min(1).max(400).optional().describe('nextCursor of the previous page'),
}).strict();
const FacetsQuery = FilterQuery.strict();

function checkRange(params: { from?: number | undefined; to?: number | undefined }): void {
  if (params.from !== undefined && params.to !== undefined && params.from > params.to) {
    throw new AppError('invalid_query', 'from must not be after to', { details: { field: 'from' } });
  }
}

/**
 * `GET /api/projects/:id/logs?from&to&level&q&service&host&traceId&limit&cursor`: newest first,
 * paged, and `GET /api/projects/:id/logs/facets` with the same filter: counts by level, service and
 * host (user or read key). Each scans within a time and byte budget (a page then answers what it
 * found with `partial` and a cursor to go on), and each caller may read so many a minute.
 */
export default async function logsRoutes(app: FastifyInstance): Promise<void> {
  const countSkipped = countSkippedInput(app.metrics, 'logs');
  const { search } = app.config;
  // The wall clock, not app.now: a budget of elapsed time (tests inject a clock into the services).
  const budget = (): ScanBudget => ({
    maxMs: search.budgetMs,
    maxBytes: search.budgetBytes,
    now: performance.now.bind(performance),
  });

  /** Counted once the request is valid: a 400 costs no scan. */
  async function admit(request: FastifyRequest): Promise<void> {
    const identity = request.identity;
    const callerId = identity?.kind === 'key' ? `key:${identity.keyId}` : `user:${identity?.userId}`;
    try {
      await checkSearchRate(app.sql.db, callerId, search.ratePerMin, app.now());
    } catch (err) {
      app.metrics.logsReads.inc({ outcome: 'rate_limited' });
      throw err;
    }
  }
  const reportSkipped =
    (request: FastifyRequest, projectId: string): ReportSkipped =>
    (skipped) => {
      countSkipped(skipped);
      request.log.warn({ projectId, ...skipped }, 'logs read left out lines or objects it cannot read');
    };

  const pageConfig: FastifyContextConfig = {
    auth: ['user', 'key:read'],
    openapi: {
      summary: 'Logs, newest first, paged by cursor',
      tag: 'read',
      query: LogsQuery,
      response: LogsPage,
      errors: [400, 429, 503],
    },
  };
  app.get<{ Params: { id: string } }>('/api/projects/:id/logs', { config: pageConfig }, async (request) => {
    const project = await authorizedProject(request, request.params.id);
    const { cursor: token, ...params } = parseQuery(LogsQuery, request.query);
    checkRange(params);
    const cursor = token === undefined ? undefined : decodeCursor(token);
    if (token !== undefined && !cursor) {
      throw new AppError('invalid_query', 'cursor: not a cursor this API gave out', { details: { field: 'cursor' } });
    }
    await admit(request);
    const page = await queryLogs(
      app.sql.db,
      app.bucket,
      project.id,
      { ...params, cursor, budget: budget() },
      reportSkipped(request, project.id),
      (scan) => app.metrics.logsScannedBytes.inc(undefined, scan.bytes),
    );
    app.metrics.logsReads.inc({ outcome: page.partial ? 'partial' : 'complete' });
    if (page.partial) app.metrics.logsReadsPartial.inc({ budget: page.partial.budget });
    return page;
  });

  const facetsConfig: FastifyContextConfig = {
    auth: ['user', 'key:read'],
    openapi: {
      summary: 'Counts by level, service and host over the logs a filter selects',
      tag: 'read',
      query: FacetsQuery,
      response: LogFacets,
      errors: [400, 429],
    },
  };
  app.get<{ Params: { id: string } }>('/api/projects/:id/logs/facets', { config: facetsConfig }, async (request) => {
    const project = await authorizedProject(request, request.params.id);
    const params = parseQuery(FacetsQuery, request.query);
    checkRange(params);
    await admit(request);
    const facets = await logFacets(
      app.sql.db,
      app.bucket,
      project.id,
      params,
      budget(),
      reportSkipped(request, project.id),
    );
    app.metrics.logsReads.inc({ outcome: facets.partial ? 'partial' : 'complete' });
    return facets;
  });
}
