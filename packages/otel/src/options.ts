import { type CloudSageOptions, withBurstBufferDefaults } from '@cloudsage/node';
import { z } from 'zod';
import { invalidOptions } from './errors.js';

/**
 * Options of {@link CloudSageLogRecordExporter}: every `CloudSageOptions` field (validated by
 * `@cloudsage/node`), plus how records are mapped and when `export` reports success.
 *
 * @example
 * const options: CloudSageOtelOptions = { endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY! };
 */
export interface CloudSageOtelOptions extends CloudSageOptions {
  /**
   * `false` (default): `export` succeeds once the records are in the client's bounded buffer, which
   * delivers them with retries (fast; the SDK's processor is never held up). `true`: `export` waits
   * for delivery and fails when a record could not be sent (one flush per export call).
   */
  waitForDelivery?: boolean;
  /** Copy every resource attribute besides `service.name` and `host.name` to a `resource` field. */
  includeResource?: boolean;
  /** Deadline of the final flush in `shutdown()` (default 10 s). */
  shutdownTimeoutMs?: number;
}

const Schema = z.looseObject({
  waitForDelivery: z.boolean().default(false),
  includeResource: z.boolean().default(false),
  shutdownTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
});

/** The exporter's own options, split from those handed to `new CloudSage()`. */
export interface ResolvedOtelOptions {
  waitForDelivery: boolean;
  includeResource: boolean;
  shutdownTimeoutMs: number;
  client: CloudSageOptions;
}

/**
 * Validates the exporter's own options and splits them from the client's (which the client validates).
 *
 * @example
 * resolveOtelOptions({ endpoint: 'http://127.0.0.1:3001', apiKey: 'csk_x' }).waitForDelivery; // false
 */
export function resolveOtelOptions(options: CloudSageOtelOptions | undefined): ResolvedOtelOptions {
  const parsed = Schema.safeParse(options ?? {});
  if (!parsed.success) throw invalidOptions('CloudSageLogRecordExporter', parsed.error);
  const { waitForDelivery, includeResource, shutdownTimeoutMs, ...client } = parsed.data as CloudSageOtelOptions &
    Omit<ResolvedOtelOptions, 'client'>;
  return { waitForDelivery, includeResource, shutdownTimeoutMs, client: withBurstBufferDefaults(client) };
}
