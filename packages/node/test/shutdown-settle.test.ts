// shutdown() aborts the requests in flight and then waits for them to settle, so what they gave up is
// counted and said before it resolves: a transport thread (pino's) ends right after, and a notice queued
// later was never printed.
import { describe, expect, it } from 'vitest';
import { type Batch, CloudSage, type CloudSageError, type Sender, type SendResult } from '../src/index.js';

/** A backend that never answers; an aborted request settles a few turns later, as a socket's does. */
class SlowToAbortSender implements Sender {
  sent = 0;
  send(_batch: Batch, { signal }: { signal: AbortSignal }): Promise<SendResult> {
    this.sent++;
    return new Promise((resolve) => {
      signal.addEventListener('abort', () =>
        setTimeout(() => resolve({ kind: 'failed', message: 'aborted at shutdown' }), 20),
      );
    });
  }
}

describe('shutdown() and the requests it aborts', () => {
  it('counts and says what they gave up before it resolves', async () => {
    const sender = new SlowToAbortSender();
    const said: CloudSageError[] = [];
    const c = new CloudSage({
      sender,
      exitHooks: false,
      batch: { maxRecords: 3, maxWaitMs: 3_600_000 },
      stderr: { write: () => true },
      onError: (e) => said.push(e),
    });
    for (let i = 0; i < 3; i++) c.log({ level: 'info', msg: `r${i}` });
    await c.flush({ timeoutMs: 10 });
    expect(sender.sent).toBe(1);
    await c.shutdown({ timeoutMs: 0 });
    expect(c.stats().failed).toBe(3);
    expect(said.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/gave up 3 record\(s\): aborted at shutdown/),
    );
  });
});
