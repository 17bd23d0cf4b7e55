import type { Batch, Sender, SendResult } from '@cloudsage/node';

/**
 * `--dry-run`: instead of posting, prints each batch (a header line, then its NDJSON records) and
 * answers as if the backend took it.
 *
 * @example
 * const sender = createDryRunSender(process.stdout);
 */
export function createDryRunSender(out: { write(text: string): unknown }): Sender {
  return {
    async send(batch: Batch): Promise<SendResult> {
      out.write(`# batch ${batch.idempotencyKey}: ${batch.lines.length} record(s), ${batch.rawBytes} bytes\n`);
      out.write(`${batch.lines.join('\n')}\n`);
      return { kind: 'sent', status: 202 };
    },
  };
}
