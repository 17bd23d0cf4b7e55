import { z } from 'zod';

/**
 * `POST /api/forecast/:projectId/feedback`.
 *
 * @example
 * FeedbackRequest.parse({ forecastId: 'f_1', accurate: false, comment: 'no incident came' });
 */
export const FeedbackRequest = z.object({
  forecastId: z.string().min(1).max(64),
  accurate: z.boolean(),
  comment: z.string().max(2000).optional(),
});
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;

/** The stored feedback, as answered. */
export const Feedback = FeedbackRequest.extend({
  id: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type Feedback = z.infer<typeof Feedback>;
