import { Feedback, FeedbackRequest, Forecast } from '@cloudsage/schema';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { acceptJsonOnly } from '../../http/json-body.js';
import { parseBody, parseQuery } from '../../http/validation.js';
import { authorizedProject } from '../../plugins/route-access.js';
import { recordFeedback } from '../../services/forecast/feedback.js';
import type { ForecastStore } from '../../store/forecast-store.js';

type ProjectParams = { Params: { projectId: string } };
const Query = z.object({
  refresh: z.enum(['0', '1', 'true', 'false']).optional().describe('1 or true: make a new forecast'),
});

/**
 * `GET /api/forecast/:projectId` (today's latest forecast, as the server keeps it in step with the
 * scores; `?refresh=1` for a new one now) and
 * `POST /api/forecast/:projectId/feedback`. Both take a user or a read key.
 */
export async function forecastRoutes(app: FastifyInstance, options: { store: ForecastStore }): Promise<void> {
  acceptJsonOnly(app);

  const today: FastifyContextConfig = {
    auth: ['user', 'key:read'],
    openapi: {
      summary: "Today's latest forecast, made again when a score leaves its band or the labels change",
      tag: 'read',
      query: Query,
      response: Forecast,
    },
  };
  app.get<ProjectParams>('/api/forecast/:projectId', { config: today }, async (request) => {
    const { refresh } = parseQuery(Query, request.query);
    const project = await authorizedProject(request, request.params.projectId);
    return options.store.today(project.id, refresh === '1' || refresh === 'true');
  });

  const feedback: FastifyContextConfig = {
    auth: ['user', 'key:read'],
    openapi: { summary: 'Vote on a forecast', tag: 'read', body: FeedbackRequest, status: 201, response: Feedback },
  };
  app.post<ProjectParams>('/api/forecast/:projectId/feedback', { config: feedback }, async (request, reply) => {
    const project = await authorizedProject(request, request.params.projectId);
    const vote = parseBody(FeedbackRequest, request.body);
    // A forecast of another project answers 404 like a missing one.
    if (!(await options.store.byId(project.id, vote.forecastId))) throw notFound('forecast');
    return reply.status(201).send(await recordFeedback(app.sql.db, project.id, request.identity, vote, app.now()));
  });
}
