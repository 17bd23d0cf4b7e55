import type { DropCounts } from '@cloudsage/schema';
import type { Batch } from './batch.js';
import type { Sender, SendResult } from './send.js';

/** A batch as the sink received it. */
export interface SinkBatch {
  idempotencyKey: string;
  records: Array<Record<string, unknown>>;
  dropped: DropCounts;
}

/**
 * A {@link Sender} that keeps batches in memory, for your own tests (like OTel's
 * `InMemoryLogRecordExporter`). Pass it as `sender`; no endpoint is needed. Scripted answers let a
 * test play a failing backend.
 *
 * @example
 * const sink = new InMemorySender();
 * const client = new CloudSage({ sender: sink, exitHooks: false });
 * client.info('order placed', { orderId: 42 });
 * await client.flush();
 * expect(sink.records[0]).toMatchObject({ msg: 'order placed', orderId: 42 });
 */
export class InMemorySender implements Sender {
  /** Every batch accepted, in arrival order. */
  readonly batches: SinkBatch[] = [];
  /** Every send attempt, accepted or not. */
  attempts = 0;
  private readonly script: SendResult[] = [];

  /** All records accepted, flattened in arrival order. */
  get records(): Array<Record<string, unknown>> {
    return this.batches.flatMap((b) => b.records);
  }

  /**
   * Answers the next sends with these results instead of accepting (e.g. `{ kind: 'retryable', ... }`).
   *
   * @example
   * sink.respondWith({ kind: 'failed', status: 401, message: 'bad key' });
   */
  respondWith(...results: SendResult[]): void {
    this.script.push(...results);
  }

  /** Forgets everything received. */
  clear(): void {
    this.batches.length = 0;
    this.attempts = 0;
  }

  async send(batch: Batch): Promise<SendResult> {
    this.attempts++;
    const scripted = this.script.shift();
    if (scripted && scripted.kind !== 'sent') return scripted;
    const records = batch.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    this.batches.push({ idempotencyKey: batch.idempotencyKey, records, dropped: { ...batch.dropped } });
    return scripted ?? { kind: 'sent', status: 202 };
  }
}

/**
 * The former name of {@link InMemorySender}.
 * @deprecated Use `InMemorySender`.
 */
export const InMemorySink = InMemorySender;
/** @deprecated Use `InMemorySender`. */
export type InMemorySink = InMemorySender;
