import { z } from 'zod';
import { Forecast } from './forecast.js';
import { RiskPoint } from './risk-point.js';

/** SSE `ingest`: counts since the previous `ingest` event (sent at most once a second). */
export const IngestEvent = z.object({
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type IngestEvent = z.infer<typeof IngestEvent>;

/** The events of `GET /api/projects/:id/events`, by SSE event name. */
export const ProjectEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('score'), data: RiskPoint }),
  z.object({ type: z.literal('forecast'), data: Forecast }),
  z.object({ type: z.literal('ingest'), data: IngestEvent }),
]);
export type ProjectEvent = z.infer<typeof ProjectEvent>;
