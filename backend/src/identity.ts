import type { KeyScope } from '@cloudsage/schema';

/**
 * Who is calling, as resolved by the auth plugin (`plugins/auth.ts`) into `request.identity`:
 * a user through a JWT (Bearer header or the dashboard's cookie), or a project API key.
 */
export type Identity =
  | { kind: 'user'; userId: string; email: string; via: 'bearer' | 'cookie'; tokenId: string; expiresAt: number }
  | { kind: 'key'; keyId: string; projectId: string; scopes: KeyScope[] };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin's onRequest hook; null when the request carries no credentials. */
    identity: Identity | null;
  }
}
