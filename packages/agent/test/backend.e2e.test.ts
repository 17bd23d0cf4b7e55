import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from './support/agent.js';
import { type Backend, startBackend, startLosingProxy } from './support/backend.js';
import { eventually } from './support/sink.js';

let backend: Backend;

beforeAll(async () => {
  backend = await startBackend();
}, 60_000);

afterAll(async () => {
  await backend?.close();
});

describe('cloudsage against the real backend', () => {
  it('after SIGKILL with a stored but unacknowledged batch, the restart stores every line exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-e2e-'));
    const N = 3000;
    writeFileSync(
      join(dir, 'app.log'),
      Array.from({ length: N }, (_, i) => `${i % 7 === 0 ? 'ERROR' : 'INFO'} e2e seq=${i}\n`).join(''),
    );
    let agentPid: number | undefined;
    // The 3rd batch is stored by the backend, and the agent is killed before it sees the 202.
    const proxy = await startLosingProxy(backend.url, 3, () => {
      if (agentPid) process.kill(agentPid, 'SIGKILL');
    });
    const args = ['ship', '--file', join(dir, '*.log'), '--state-dir', join(dir, 'state'), '--batch-size', '500'];
    const env = { CLOUDSAGE_ENDPOINT: proxy.url, CLOUDSAGE_API_KEY: backend.ingestKey };
    const first = startAgent([...args, '--from-start', '--poll-interval', '20'], env);
    agentPid = first.child.pid;
    expect((await first.exited).signal).toBe('SIGKILL');
    await proxy.close();

    const second = startAgent([...args, '--poll-interval', '20', '--batch-wait', '50'], {
      ...env,
      CLOUDSAGE_ENDPOINT: backend.url,
    });
    let messages: string[] = [];
    await eventually(
      () => messages.length >= N,
      'every line stored',
      25_000,
      async () => {
        messages = await backend.messages();
      },
    );
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const counts = new Uint8Array(N);
    for (const m of messages) counts[Number(/seq=(\d+)/.exec(m)![1])]!++;
    expect({ stored: messages.length, missing: counts.indexOf(0), doubled: counts.findIndex((c) => c > 1) }).toEqual({
      stored: N,
      missing: -1,
      doubled: -1,
    });
  });

  it('prints the risk history and the forecast with a read key', async () => {
    const env = { CLOUDSAGE_ENDPOINT: backend.url, CLOUDSAGE_API_KEY: backend.readKey };
    const history = startAgent(['history', '--days', '7'], env);
    expect((await history.exited).code).toBe(0);
    expect(history.stdoutText()).toMatch(/risk history|Risk history/);
    const forecast = startAgent(['forecast', backend.projectId], env);
    const { code } = await forecast.exited;
    expect(forecast.stderrText()).toBe('');
    expect(code).toBe(0);
    expect(forecast.stdoutText()).toContain(`Forecast for ${backend.projectId}`);
    expect(forecast.stdoutText()).toMatch(/Actions:\n {2}1\. .+\n {2}2\. .+\n {2}3\. .+/);
  });

  it('names the HTTP status when the key cannot read', async () => {
    const agent = startAgent(['forecast'], { CLOUDSAGE_ENDPOINT: backend.url, CLOUDSAGE_API_KEY: 'csk_not_a_key' });
    expect((await agent.exited).code).toBe(1);
    expect(agent.stderrText()).toMatch(/getting the forecast failed: unauthorized \(HTTP 401\)/);
  });
});
