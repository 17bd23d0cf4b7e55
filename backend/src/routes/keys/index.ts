import { ApiKey, CreateApiKeyRequest, CreatedApiKey } from '@cloudsage/schema';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acceptJsonOnly } from '../../http/json-body.js';
import { parseBody } from '../../http/validation.js';
import { authorizedProject } from '../../plugins/route-access.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/auth/api-keys.js';

type ProjectParams = { Params: { id: string } };
type KeyParams = { Params: { id: string; keyId: string } };

/** API keys of a project, for its owner only: list, create (the key is shown once), revoke. */
export default async function keyRoutes(app: FastifyInstance): Promise<void> {
  acceptJsonOnly(app);
  const list: FastifyContextConfig = {
    auth: ['user'],
    openapi: { summary: 'The project API keys (never the secret)', tag: 'keys', response: z.array(ApiKey) },
  };
  app.get<ProjectParams>('/api/projects/:id/keys', { config: list }, async (request) => {
    const project = await authorizedProject(request, request.params.id);
    return listApiKeys(app.sql.db, project.id);
  });

  const create: FastifyContextConfig = {
    auth: ['user'],
    openapi: {
      summary: 'Create a key; the secret `key` is shown only here',
      tag: 'keys',
      body: CreateApiKeyRequest,
      status: 201,
      response: CreatedApiKey,
    },
  };
  app.post<ProjectParams>('/api/projects/:id/keys', { config: create }, async (request, reply) => {
    const project = await authorizedProject(request, request.params.id);
    const body = parseBody(CreateApiKeyRequest, request.body);
    const created = await createApiKey(app.sql.db, project.id, body, app.now());
    // The prefix identifies the key to its owner; the secret itself is never logged.
    request.log.info({ projectId: project.id, keyId: created.id, prefix: created.prefix }, 'api key created');
    // The secret is in this body only; no cache or proxy may keep it.
    reply.header('cache-control', 'no-store');
    return reply.status(201).send(created);
  });

  const revoke: FastifyContextConfig = {
    auth: ['user'],
    openapi: { summary: 'Revoke a key', tag: 'keys', status: 204 },
  };
  app.delete<KeyParams>('/api/projects/:id/keys/:keyId', { config: revoke }, async (request, reply) => {
    const project = await authorizedProject(request, request.params.id);
    await revokeApiKey(app.sql.db, project.id, request.params.keyId, app.now());
    request.log.info({ projectId: project.id, keyId: request.params.keyId }, 'api key revoked');
    return reply.status(204).send();
  });
}
