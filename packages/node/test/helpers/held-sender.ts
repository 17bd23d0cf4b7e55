import type { Batch, Sender, SendResult } from '../../src/index.js';

/**
 * A sender that holds each batch until the test releases it: a backend that takes its time. Shared by
 * the backpressure tests of the client and of the pino, winston and OpenTelemetry integrations.
 */
export class HeldSender implements Sender {
  readonly held: Array<{ batch: Batch; release: (r: SendResult) => void }> = [];
  /** The lines of every released batch, in release order. */
  readonly delivered: string[] = [];

  send(batch: Batch): Promise<SendResult> {
    return new Promise((release) => this.held.push({ batch, release }));
  }

  /** Lets the oldest held batch through (the backend answers 202). */
  releaseFirst(): void {
    const first = this.held.shift();
    if (!first) return;
    this.delivered.push(...first.batch.lines);
    first.release({ kind: 'sent', status: 202 });
  }
}
