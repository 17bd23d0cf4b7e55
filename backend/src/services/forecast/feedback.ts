/**
 * Votes on forecasts (`forecast_feedback`). A row keeps who voted: the user, or the API key
 * (docs/architecture.md, "Keys in the read API"). Later forecasts read them back as facts.
 */

import { randomUUID } from 'node:crypto';
import type { Feedback, FeedbackRequest } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import type { Identity } from '../../identity.js';
import type { Database } from '../../store/sql/database.js';

/**
 * Stores a vote on a forecast of `projectId` (the caller checked that it is the project's) and
 * answers it as the API does.
 *
 * @example
 * await recordFeedback(db, 'p1', identity, { forecastId: 'fc_1', accurate: false }, Date.now());
 */
export async function recordFeedback(
  db: Kysely<Database>,
  projectId: string,
  identity: Identity | null,
  vote: FeedbackRequest,
  now: number,
): Promise<Feedback> {
  const id = `fb_${randomUUID()}`;
  await db
    .insertInto('forecast_feedback')
    .values({
      id,
      forecast_id: vote.forecastId,
      project_id: projectId,
      user_id: identity?.kind === 'user' ? identity.userId : null,
      key_id: identity?.kind === 'key' ? identity.keyId : null,
      accurate: vote.accurate ? 1 : 0,
      comment: vote.comment ?? null,
      created_at: now,
    })
    .execute();
  return {
    id,
    forecastId: vote.forecastId,
    accurate: vote.accurate,
    ...(vote.comment !== undefined ? { comment: vote.comment } : {}),
    createdAt: new Date(now).toISOString(),
  };
}
