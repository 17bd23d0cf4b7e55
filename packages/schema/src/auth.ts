import { z } from 'zod';
import { KeyScope } from './api-key.js';

/** Shortest password accepted at registration. */
export const MIN_PASSWORD_LENGTH = 10;

/** A user as answered by the API. */
export const User = z.object({
  id: z.string(),
  email: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type User = z.infer<typeof User>;

/** `POST /api/auth/register` and `POST /api/auth/login`. */
export const Credentials = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(254)),
  password: z.string().min(1).max(1024),
});
export type Credentials = z.infer<typeof Credentials>;

/** `POST /api/auth/login` answers a token (for API clients) and the user; the cookie is set too. */
export const LoginResponse = z.object({ token: z.string(), user: User });
export type LoginResponse = z.infer<typeof LoginResponse>;

/** `POST /api/auth/register` answers 201 with the user and sets the cookie. */
export const RegisterResponse = z.object({ user: User });
export type RegisterResponse = z.infer<typeof RegisterResponse>;

/** `GET /api/auth/me`: the user, or for an API key its project and scopes. */
export const MeResponse = z.union([
  z.object({ user: User }),
  z.object({ key: z.object({ projectId: z.string(), scopes: z.array(KeyScope) }) }),
]);
export type MeResponse = z.infer<typeof MeResponse>;
