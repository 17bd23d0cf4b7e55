import { CreateProjectRequest, UpdateProjectRequest } from '@cloudsage/schema';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { acceptJsonOnly } from '../../http/json-body.js';
import { parseBody } from '../../http/validation.js';
import { requireCredentials, requireUser } from '../../plugins/auth.js';
import { authorizeProject } from '../../services/auth/project-access.js';
import {
  createProject,
  deleteProject,
  listProjects,
  projectDetail,
  refuseLiteralPrivateWebhook,
  updateProject,
} from '../../services/projects/projects.js';

type IdParams = { Params: { id: string } };

/** Project CRUD: `GET, POST /api/projects`, `GET, PUT, DELETE /api/projects/:id`. */
export default async function projectRoutes(app: FastifyInstance): Promise<void> {
  acceptJsonOnly(app);
  app.addHook('onRequest', requireCredentials);
  app.get('/api/projects', async (request) => {
    const identity = request.identity;
    if (!identity) throw new AppError('unauthorized');
    if (identity.kind === 'key' && !identity.scopes.includes('read')) {
      throw new AppError('insufficient_scope', 'this API key lacks the read scope');
    }
    return listProjects(app.sql.db, identity);
  });

  app.post('/api/projects', async (request, reply) => {
    const user = requireUser(request);
    const { name } = parseBody(CreateProjectRequest, request.body);
    return reply.status(201).send(await createProject(app.sql.db, user.userId, name, app.now()));
  });

  app.get<IdParams>('/api/projects/:id', async (request) => {
    const row = await authorizeProject(app.sql.db, request.identity, request.params.id, 'read');
    return projectDetail(app.sql.db, row);
  });

  app.put<IdParams>('/api/projects/:id', async (request) => {
    const row = await authorizeProject(app.sql.db, request.identity, request.params.id, 'manage');
    const change = parseBody(UpdateProjectRequest, request.body);
    if (change.alert) refuseLiteralPrivateWebhook(change.alert.url, app.config.allowPrivateWebhooks);
    return updateProject(app.sql.db, row, change, app.now());
  });

  app.delete<IdParams>('/api/projects/:id', async (request, reply) => {
    const row = await authorizeProject(app.sql.db, request.identity, request.params.id, 'manage');
    await deleteProject(app.sql.db, app.bucket, row.id, (err, prefix) => {
      // The project and its rows are gone and nothing can read the objects; an operator can sweep.
      request.log.error(
        { err, projectId: row.id, prefix },
        'project deleted, but its bucket objects were not all removed',
      );
    });
    request.log.info({ projectId: row.id }, 'project deleted');
    return reply.status(204).send();
  });
}
