import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey, newProject, signUp } from '../routes/support/client.js';
import { type LoggedApp, startLoggedApp } from './logged-app.js';

// Issue #22: an aborted upload's ECONNRESET was taken for a lost store and logged at error with a stack.
describe('an upload the client aborts', () => {
  let t: LoggedApp;
  beforeAll(async () => {
    t = await startLoggedApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is logged below error, without a stack', async () => {
    const owner = await signUp(t.url);
    const projectId = await newProject(t.url, owner);
    const { key } = await newKey(t.url, owner, projectId, ['ingest']);
    const port = Number(new URL(t.url).port);
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `POST /api/ingest HTTP/1.1\r\nhost: x\r\nx-cloudsage-key: ${key}\r\ncontent-type: application/x-ndjson\r\ncontent-length: 100000\r\n\r\n{"msg":"partial"}\n`,
    );
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 500));
    const lines = t.logLines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: { stack?: string } });
    // Before issue #22 this was `store unavailable` at error (50) with the stack of Node's abortIncoming.
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    const aborted = lines.filter((l) => l.msg === 'client aborted the request');
    expect(aborted).toHaveLength(1);
    expect(aborted[0]?.level).toBe(30);
    expect(JSON.stringify(aborted[0])).not.toContain('stack');
  });
});
