import { RiskHistory } from '@cloudsage/schema';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseQuery } from '../../http/validation.js';
import { authorizedProject } from '../../plugins/route-access.js';
import { riskHistory } from '../../store/risk-history.js';

// 3650 matches what @cloudsage/node's getRiskHistory lets a caller ask for.
const HistoryQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(3650).default(30).describe('days back'),
  })
  // An unknown parameter answers 400 rather than being ignored.
  .strict();

/** `GET /api/risk-history/:projectId?days=30`: risk points, oldest first (user or read key). */
export default async function riskHistoryRoutes(app: FastifyInstance): Promise<void> {
  const config: FastifyContextConfig = {
    auth: ['user', 'key:read'],
    openapi: { summary: 'Risk points, oldest first', tag: 'read', query: HistoryQuery, response: RiskHistory },
  };
  app.get<{ Params: { projectId: string } }>('/api/risk-history/:projectId', { config }, async (request) => {
    const project = await authorizedProject(request, request.params.projectId);
    const { days } = parseQuery(HistoryQuery, request.query);
    return riskHistory(app.sql.db, project.id, days, app.now());
  });
}
