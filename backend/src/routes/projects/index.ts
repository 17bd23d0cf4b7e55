import { CreateProjectRequest, Project, UpdateProjectRequest } from '@cloudsage/schema';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acceptJsonOnly } from '../../http/json-body.js';
import { parseBody } from '../../http/validation.js';
import { authorizedProject, requireAccess, requireUser } from '../../plugins/route-access.js';
import { dropWebhookSecret, hasWebhookSecret, rotateWebhookSecret } from '../../services/alerts/webhook-secret.js';
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

/** `PUT` answers the project, with `webhookSecret` the one time an alert's secret is generated. */
const ProjectWithSecret = Project.extend({
  webhookSecret: z.string().optional().describe('whsec_...: verifies x-cloudsage-signature; shown once'),
});

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
      summary: 'Rename a project or set its alert webhook; the first alert set answers its signing secret, once',
      tag: 'projects',
      body: UpdateProjectRequest,
      response: ProjectWithSecret,
    },
  };
  app.put<IdParams>('/api/projects/:id', { config: update }, async (request) => {
    const row = await authorizedProject(request, request.params.id);
    const change = parseBody(UpdateProjectRequest, request.body);
    if (change.alert) await refuseWebhookTarget(change.alert.url, app.config.allowPrivateWebhooks);
    const project = await updateProject(app.sql.db, row, change, app.now());
    if (change.alert === null) await dropWebhookSecret(app.sql.db, row.id);
    // Shown once, like an API key: when the alert gets its first stored secret (docs/deploy.md, "Alert webhooks").
    if (change.alert && !(await hasWebhookSecret(app.sql.db, row.id))) {
      return { ...project, webhookSecret: await rotateWebhookSecret(app.sql.db, row.id, app.now()) };
    }
    return project;
  });

  const rotate: FastifyContextConfig = {
    auth: ['user'],
    openapi: {
      summary: 'Replace the webhook signing secret; answers the new one, once',
      tag: 'projects',
      response: z.object({ webhookSecret: z.string() }),
    },
  };
  app.post<IdParams>('/api/projects/:id/webhook-secret', { config: rotate }, async (request) => {
    const row = await authorizedProject(request, request.params.id);
    const webhookSecret = await rotateWebhookSecret(app.sql.db, row.id, app.now());
    request.log.info({ projectId: row.id }, 'webhook secret rotated');
    return { webhookSecret };
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
