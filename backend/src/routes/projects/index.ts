import { CreateProjectRequest, Project, UpdateProjectRequest } from '@cloudsage/schema';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acceptJsonOnly } from '../../http/json-body.js';
import { parseBody } from '../../http/validation.js';
import { authorizedProject, requireAccess, requireUser } from '../../plugins/route-access.js';
import { refuseWebhookTarget } from '../../services/alerts/webhook-target.js';
import { ScoringState } from '../../services/dispatch/parked-windows.js';
import {
  createProject,
  deleteProject,
  listProjects,
  projectDetail,
  updateProject,
} from '../../services/projects/projects.js';

type IdParams = { Params: { id: string } };

/** Project CRUD: `GET, POST /api/projects`, `GET, PUT, DELETE /api/projects/:id`. */
export default async function projectRoutes(app: FastifyInstance): Promise<void> {
  acceptJsonOnly(app);
  const list: FastifyContextConfig = {
    auth: ['user', 'key:read'],
    openapi: { summary: 'Your projects, with latest score and trend', tag: 'projects', response: z.array(Project) },
  };
  app.get('/api/projects', { config: list }, async (request) => listProjects(app.sql.db, requireAccess(request)));

  const create: FastifyContextConfig = {
    auth: ['user'],
    openapi: {
      summary: 'Create a project',
      tag: 'projects',
      body: CreateProjectRequest,
      status: 201,
      response: Project,
    },
  };
  app.post('/api/projects', { config: create }, async (request, reply) => {
    const user = requireUser(request);
    const { name } = parseBody(CreateProjectRequest, request.body);
    return reply.status(201).send(await createProject(app.sql.db, user.userId, name, app.now()));
  });

  const detail: FastifyContextConfig = {
    auth: ['user', 'key:read'],
    openapi: {
      summary: 'One project, with its scoring state (windows parked because their logs cannot be read)',
      tag: 'projects',
      response: Project.extend({ scoring: ScoringState }),
    },
  };
  app.get<IdParams>('/api/projects/:id', { config: detail }, async (request) => {
    const row = await authorizedProject(request, request.params.id);
    return projectDetail(app.sql.db, row);
  });

  const update: FastifyContextConfig = {
    auth: ['user'],
    openapi: {
      summary: 'Rename a project or set its alert webhook',
      tag: 'projects',
      body: UpdateProjectRequest,
      response: Project,
    },
  };
  app.put<IdParams>('/api/projects/:id', { config: update }, async (request) => {
    const row = await authorizedProject(request, request.params.id);
    const change = parseBody(UpdateProjectRequest, request.body);
    if (change.alert) await refuseWebhookTarget(change.alert.url, app.config.allowPrivateWebhooks);
    return updateProject(app.sql.db, row, change, app.now());
  });

  const remove: FastifyContextConfig = {
    auth: ['user'],
    openapi: { summary: 'Delete a project with its logs, history and keys', tag: 'projects', status: 204 },
  };
  app.delete<IdParams>('/api/projects/:id', { config: remove }, async (request, reply) => {
    const row = await authorizedProject(request, request.params.id);
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
