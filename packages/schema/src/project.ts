import { z } from 'zod';
import { Score } from './risk-point.js';

/** A project's alert webhook: POSTed when the score crosses `threshold` or a forecast predicts it. */
export const AlertConfig = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  threshold: z.number().min(0).max(100),
});
export type AlertConfig = z.infer<typeof AlertConfig>;

/** Direction of the recent risk scores. */
export const Trend = z.enum(['up', 'down', 'flat']);
export type Trend = z.infer<typeof Trend>;

/** A project as answered by the API; list items also carry `latestScore` and `trend`. */
export const Project = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  alert: AlertConfig.nullable().optional(),
  latestScore: Score.nullable().optional(),
  trend: Trend.nullable().optional(),
});
export type Project = z.infer<typeof Project>;

/** `POST /api/projects`. */
export const CreateProjectRequest = z.object({
  name: z.string().trim().min(1).max(100),
});
export type CreateProjectRequest = z.infer<typeof CreateProjectRequest>;

/** `PUT /api/projects/:id`; `alert: null` removes the webhook. */
export const UpdateProjectRequest = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  alert: AlertConfig.nullable().optional(),
});
export type UpdateProjectRequest = z.infer<typeof UpdateProjectRequest>;
