import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from './support/agent.js';
import { type Backend, type StoredLog, startBackend, startLosingProxy } from './support/backend.js';
import { eventually } from './support/sink.js';

let backend: Backend;

/** How often each `<tag> seq=<n>` line of 0..n-1 is stored: { stored, missing, doubled } (-1: none). */
async function storedOnce(tag: string, n: number) {
  const counts = new Uint8Array(n);
  let stored = 0;
  for (const m of await backend.messages()) {
    const seq = new RegExp(`${tag} seq=(\\d+)`).exec(m);
    if (!seq) continue;
    stored++;
    counts[Number(seq[1])]!++;
  }
  return { stored, missing: counts.indexOf(0), doubled: counts.findIndex((c) => c > 1) };
}

async function eventuallyStored(tag: string, n: number) {
  let got = { stored: 0, missing: 0, doubled: -1 };
  await eventually(
    () => got.stored >= n,
    `${n} ${tag} lines stored`,
    25_000,
    async () => {
      got = await storedOnce(tag, n);
    },
  );
  return got;
}

/** The project's stored records once `enough` holds for them (polled as they arrive). */
async function eventuallyLogs(enough: (logs: StoredLog[]) => boolean, what: string): Promise<StoredLog[]> {
  let logs: StoredLog[] = [];
  await eventually(
    () => enough(logs),
    what,
    25_000,
    async () => {
      logs = await backend.logs();
    },
  );
  return logs;
}

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
    const messages = (await eventuallyLogs((logs) => logs.length >= N, 'every line stored')).map((l) => l.msg);
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

  it('with a wrong key, exits 3 without moving the checkpoint; the restart with the right key stores every line once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-e2e-key-'));
    const N = 2000;
    writeFileSync(join(dir, 'app.log'), Array.from({ length: N }, (_, i) => `WARN refused-file seq=${i}\n`).join(''));
    const args = ['ship', '--file', join(dir, '*.log'), '--state-dir', join(dir, 'state'), '--batch-size', '500'];
    const wrong = startAgent([...args, '--from-start', '--poll-interval', '20'], {
      CLOUDSAGE_ENDPOINT: backend.url,
      CLOUDSAGE_API_KEY: 'csk_mistyped',
    });
    const { code } = await wrong.exited;
    expect(code).toBe(3);
    expect(wrong.stderrText()).toMatch(/"code":"ingest_unauthorized".*--api-key or CLOUDSAGE_API_KEY/);
    const checkpoint = JSON.parse(readFileSync(join(dir, 'state', 'checkpoint.json'), 'utf8'));
    expect(Object.values(checkpoint.files).map((f) => (f as { offset: number }).offset)).toEqual([0]);
    expect(await storedOnce('refused-file', N)).toEqual({ stored: 0, missing: 0, doubled: -1 });

    const right = startAgent([...args, '--poll-interval', '20', '--batch-wait', '50'], {
      CLOUDSAGE_ENDPOINT: backend.url,
      CLOUDSAGE_API_KEY: backend.ingestKey,
    });
    await eventuallyStored('refused-file', N);
    right.child.kill('SIGTERM');
    expect((await right.exited).code).toBe(0);
    expect(await storedOnce('refused-file', N)).toEqual({ stored: N, missing: -1, doubled: -1 });
  });

  it('with a wrong key, keeps piped records in the default spool and exits 3; the right key sends them once', async () => {
    const state = mkdtempSync(join(tmpdir(), 'cs-e2e-xdg-'));
    const N = 1500;
    const wrong = startAgent(['ship', '--quiet', '--batch-size', '200', '--batch-wait', '20'], {
      CLOUDSAGE_ENDPOINT: backend.url,
      CLOUDSAGE_API_KEY: 'csk_mistyped',
      XDG_STATE_HOME: state,
    });
    wrong.child.stdin!.end(Array.from({ length: N }, (_, i) => `ERROR refused-stdin seq=${i}\n`).join(''));
    expect((await wrong.exited).code).toBe(3);
    expect(wrong.stderrText()).toMatch(/"code":"ingest_unauthorized"/);
    const spool = join(state, 'cloudsage', 'spool');
    const [dir] = readdirSync(spool);
    expect(readdirSync(join(spool, dir!)).filter((f) => f.endsWith('.seg')).length).toBeGreaterThan(0);
    expect(existsSync(join(spool, dir!, 'refused.json'))).toBe(true);

    const right = startAgent(['ship', '--quiet'], {
      CLOUDSAGE_ENDPOINT: backend.url,
      CLOUDSAGE_API_KEY: backend.ingestKey,
      XDG_STATE_HOME: state,
    });
    await eventuallyStored('refused-stdin', N);
    right.child.stdin!.end();
    expect((await right.exited).code).toBe(0);
    expect(await storedOnce('refused-stdin', N)).toEqual({ stored: N, missing: -1, doubled: -1 });
    // The wrong key's directory was taken over and is gone; only the right key's is left.
    expect(readdirSync(spool)).toHaveLength(1);
  });

  it('ships an old file in the forms other software writes, each line at its own time', async () => {
    // One line of each of loghub's samples whose time form the normalizer reads; shipped today, each
    // must keep the time it was written, not the minute the agent read it.
    const lines: ReadonlyArray<readonly [string, string]> = [
      ['081109 203615 148 INFO dfs.DataNode$PacketResponder: old-file hdfs', '2008-11-09T20:36:15.000Z'],
      ['17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: old-file spark', '2017-06-09T20:10:40.000Z'],
      [
        '[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6 old-file apache',
        '2005-12-04T04:47:44.000Z',
      ],
      [
        '- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2915]: old-file thunderbird',
        '2005-11-09T20:01:01.000Z',
      ],
      ['20171223-22:16:0:119|Step_ExtSDM|30002312|old-file healthapp', '2017-12-23T22:16:00.119Z'],
      [
        'nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO old-file openstack',
        '2017-05-16T00:00:00.008Z',
      ],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'cs-e2e-old-'));
    writeFileSync(join(dir, 'old.log'), lines.map(([l]) => `${l}\n`).join(''));
    const env = { CLOUDSAGE_ENDPOINT: backend.url, CLOUDSAGE_API_KEY: backend.ingestKey };
    const agent = startAgent(
      ['ship', '--file', join(dir, '*.log'), '--state-dir', join(dir, 'state'), '--from-start', '--batch-wait', '20'],
      env,
    );
    const logs = await eventuallyLogs(
      (got) => got.filter((l) => l.msg.includes('old-file')).length >= lines.length,
      'the old file',
    );
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    const stored = new Map(logs.map((l) => [l.msg, l.time]));
    expect(lines.map(([l]) => stored.get(l))).toEqual(lines.map(([, time]) => time));
  });

  it('stores a 5 MiB JSON line, piped or tailed, as one record with its level', async () => {
    const big = (tag: string) =>
      `{"level":50,"time":1764000000000,"msg":"${tag} ${'x'.repeat(5 * 1024 * 1024)}","req":"r1"}\n`;
    const around = (tag: string) => `INFO ${tag} before\n${big(`${tag} big`)}INFO ${tag} after\n`;
    const env = { CLOUDSAGE_ENDPOINT: backend.url, CLOUDSAGE_API_KEY: backend.ingestKey };
    const piped = startAgent(['ship', '--quiet', '--batch-wait', '20'], env);
    piped.child.stdin!.end(around('piped-long'));
    expect((await piped.exited).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'cs-e2e-long-'));
    writeFileSync(join(dir, 'app.log'), around('tailed-long'));
    const tailed = startAgent(
      ['ship', '--file', join(dir, '*.log'), '--state-dir', join(dir, 'state'), '--from-start', '--batch-wait', '20'],
      env,
    );
    const logs = await eventuallyLogs(
      (got) => got.filter((l) => l.msg.includes('tailed-long')).length >= 3,
      'the tailed lines',
    );
    tailed.child.kill('SIGTERM');
    expect((await tailed.exited).code).toBe(0);
    for (const tag of ['piped-long', 'tailed-long']) {
      const mine = logs.filter((l) => l.msg.includes(tag));
      // Three lines, three records: the 5 MiB line is one of them, not five.
      expect(mine.map((l) => /before|after|big/.exec(l.msg)?.[0]).sort(), tag).toEqual(['after', 'before', 'big']);
      const cut = mine.find((l) => l.msg.startsWith(`${tag} big`))!;
      expect(cut.level).toBe('error');
      expect(cut.attributes).toMatchObject({
        'cloudsage.truncated': true,
        // The line's true size, without its newline.
        'cloudsage.original_bytes': Buffer.byteLength(big(`${tag} big`)) - 1,
      });
    }
  });
});
