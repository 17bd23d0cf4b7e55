import { z } from 'zod';

/** The envelope body form of `POST /api/ingest`. `logs` items are raw and normalized server-side. */
export const IngestEnvelope = z.object({
  projectId: z.string().min(1).max(64).optional(),
  logs: z.array(z.unknown()),
});
export type IngestEnvelope = z.infer<typeof IngestEnvelope>;

/** One rejected record of a batch: its 0-based index in the body and why. */
export const IngestError = z.object({
  index: z.number().int().nonnegative(),
  message: z.string(),
});
export type IngestError = z.infer<typeof IngestError>;

/**
 * The 202 answer of `POST /api/ingest`. `errors` lists the first rejections only.
 *
 * @example
 * IngestResponse.parse({ batchId: 'b_1', accepted: 10, rejected: 0, errors: [] });
 */
export const IngestResponse = z.object({
  batchId: z.string(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  errors: z.array(IngestError),
});
export type IngestResponse = z.infer<typeof IngestResponse>;
