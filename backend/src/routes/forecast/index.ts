import { randomUUID } from 'node:crypto';
import { FeedbackRequest } from '@cloudsage/schema';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, notFound } from '../../errors.js';
import type { ForecastStore } from '../../services/forecast-store.js';
import { authorizeProject } from '../../services/project-access.js';

const Params = z.object({ projectId: z.string().min(1).max(64) });
const Query = z.object({ refresh: z.enum(['0', '1', 'true', 'false']).optional() });

function invalid(code: 'invalid_body' | 'invalid_query', error: z.ZodError): AppError {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || undefined;
  return new AppError(code, `${field ?? 'value'}: ${issue?.message ?? 'invalid'}`, { details: { field } });
}

/**
 * `GET /api/forecast/:projectId` (today's forecast, `?refresh=1` for a new one) and
 * `POST /api/forecast/:projectId/feedback`. Both take a user or a read key.
 */
export async function forecastRoutes(app: FastifyInstance, options: { store: ForecastStore }): Promise<void> {
  app.get('/api/forecast/:projectId', async (request) => {
    const params = Params.safeParse(request.params);
    if (!params.success) throw invalid('invalid_query', params.error);
    const query = Query.safeParse(request.query);
    if (!query.success) throw invalid('invalid_query', query.error);
    await authorizeProject(app.sql.db, request.identity, params.data.projectId, 'read');
    const refresh = query.data.refresh === '1' || query.data.refresh === 'true';
    return options.store.today(params.data.projectId, refresh);
  });

  app.post('/api/forecast/:projectId/feedback', async (request, reply) => {
    const params = Params.safeParse(request.params);
    if (!params.success) throw invalid('invalid_query', params.error);
    await authorizeProject(app.sql.db, request.identity, params.data.projectId, 'read');
    const body = FeedbackRequest.safeParse(request.body);
    if (!body.success) throw invalid('invalid_body', body.error);
    const forecast = await options.store.byId(params.data.projectId, body.data.forecastId);
    if (!forecast) throw notFound('forecast');
    const identity = request.identity;
    const createdAt = app.now();
    const id = `fb_${randomUUID()}`;
    await app.sql.db
      .insertInto('forecast_feedback')
      .values({
        id,
        forecast_id: forecast.id,
        project_id: params.data.projectId,
        user_id: identity?.kind === 'user' ? identity.userId : null,
        key_id: identity?.kind === 'key' ? identity.keyId : null,
        accurate: body.data.accurate ? 1 : 0,
        comment: body.data.comment ?? null,
        created_at: createdAt,
      })
      .execute();
    return reply.status(201).send({
      id,
      forecastId: forecast.id,
      accurate: body.data.accurate,
      ...(body.data.comment !== undefined ? { comment: body.data.comment } : {}),
      createdAt: new Date(createdAt).toISOString(),
    });
  });
}
