import { z } from 'zod';

/** What a project API key may do. */
export const KeyScope = z.enum(['ingest', 'read']);
export type KeyScope = z.infer<typeof KeyScope>;

/** Every API key starts with this, so secret scanners and our redaction can spot one. */
export const API_KEY_PREFIX = 'csk_';

/** An API key as listed; the secret itself is never listed. */
export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(KeyScope).min(1),
  /** The first characters of the key, to recognise it. */
  prefix: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  lastUsedAt: z.iso.datetime({ offset: true }).nullable().optional(),
});
export type ApiKey = z.infer<typeof ApiKey>;

/** The 201 answer of key creation: the only time `key` is shown. */
export const CreatedApiKey = ApiKey.extend({ key: z.string().startsWith(API_KEY_PREFIX) });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

/** `POST /api/projects/:id/keys`. */
export const CreateApiKeyRequest = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(KeyScope).min(1).max(2).default(['ingest']),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;
