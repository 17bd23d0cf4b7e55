import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorizeProject } from '../../services/project-access.js';
import { riskHistory } from '../../services/risk-history.js';
import { parseQuery } from '../../services/validation.js';

const HistoryQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
});

/** `GET /api/risk-history/:projectId?days=30`: risk points, oldest first (user or read key). */
export default async function riskHistoryRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { projectId: string } }>('/api/risk-history/:projectId', async (request) => {
    const project = await authorizeProject(app.sql.db, request.identity, request.params.projectId, 'read');
    const { days } = parseQuery(HistoryQuery, request.query);
    return riskHistory(app.sql.db, project.id, days, app.now());
  });
}
