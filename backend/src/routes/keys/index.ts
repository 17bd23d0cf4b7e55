import { CreateApiKeyRequest } from '@cloudsage/schema';
import type { FastifyInstance } from 'fastify';
import { acceptJsonOnly } from '../../http/json-body.js';
import { parseBody } from '../../http/validation.js';
import { requireCredentials } from '../../plugins/auth.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/auth/api-keys.js';
import { authorizeProject } from '../../services/auth/project-access.js';

type ProjectParams = { Params: { id: string } };
type KeyParams = { Params: { id: string; keyId: string } };

/** API keys of a project, for its owner only: list, create (the key is shown once), revoke. */
export default async function keyRoutes(app: FastifyInstance): Promise<void> {
  acceptJsonOnly(app);
  app.addHook('onRequest', requireCredentials);
  app.get<ProjectParams>('/api/projects/:id/keys', async (request) => {
    const project = await authorizeProject(app.sql.db, request.identity, request.params.id, 'manage');
    return listApiKeys(app.sql.db, project.id);
  });

  app.post<ProjectParams>('/api/projects/:id/keys', async (request, reply) => {
    const project = await authorizeProject(app.sql.db, request.identity, request.params.id, 'manage');
    const body = parseBody(CreateApiKeyRequest, request.body);
    const created = await createApiKey(app.sql.db, project.id, body, app.now());
    // The prefix identifies the key to its owner; the secret itself is never logged.
    request.log.info({ projectId: project.id, keyId: created.id, prefix: created.prefix }, 'api key created');
    // The secret is in this body only; no cache or proxy may keep it.
    reply.header('cache-control', 'no-store');
    return reply.status(201).send(created);
  });

  app.delete<KeyParams>('/api/projects/:id/keys/:keyId', async (request, reply) => {
    const project = await authorizeProject(app.sql.db, request.identity, request.params.id, 'manage');
    await revokeApiKey(app.sql.db, project.id, request.params.keyId, app.now());
    request.log.info({ projectId: project.id, keyId: request.params.keyId }, 'api key revoked');
    return reply.status(204).send();
  });
}
