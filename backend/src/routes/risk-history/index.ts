import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseQuery } from '../../http/validation.js';
import { authorizeProject } from '../../services/auth/project-access.js';
import { riskHistory } from '../../store/risk-history.js';

// 3650 matches what @cloudsage/node's getRiskHistory lets a caller ask for.
const HistoryQuery = z.object({
  days: z.coerce.number().int().min(1).max(3650).default(30),
});

/** `GET /api/risk-history/:projectId?days=30`: risk points, oldest first (user or read key). */
export default async function riskHistoryRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { projectId: string } }>('/api/risk-history/:projectId', async (request) => {
    const project = await authorizeProject(app.sql.db, request.identity, request.params.projectId, 'read');
    const { days } = parseQuery(HistoryQuery, request.query);
    return riskHistory(app.sql.db, project.id, days, app.now());
  });
}
