import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentProcess, killRunning, startAgent } from './support/agent.js';
import { CountingSink, eventually } from './support/sink.js';

// How long the backend is down. Short by default so the suite stays quick; the figure (292 of 990
// piped records lost) came from a 30-second restart: CLOUDSAGE_TEST_OUTAGE_MS=30000 replays it.
const OUTAGE_MS = Number(process.env.CLOUDSAGE_TEST_OUTAGE_MS ?? 6000);
const KEY = 'csk_test_outage';
let sink: CountingSink | undefined;
let agents: AgentProcess[] = [];

afterEach(async () => {
  killRunning(agents);
  agents = [];
  await sink?.stop();
  sink = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An app writing one line every 100 ms (10 records/s) into whichever agent is current. */
function tenPerSecond() {
  let seq = 0;
  let target: AgentProcess | undefined;
  // Between two agents (a restart) the app waits: nothing is written, nothing counted.
  const timer = setInterval(() => {
    if (target) target.child.stdin!.write(`INFO outage seq=${seq++}\n`);
  }, 100);
  return {
    get written() {
      return seq;
    },
    pipeTo(agent: AgentProcess | undefined) {
      target = agent;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** Each of 0..n-1 stored how often: { stored, missing, doubled } (-1: none). */
function tally(lines: string[], n: number) {
  const counts = new Uint8Array(n);
  for (const l of lines) counts[Number(/seq=(\d+)/.exec(l)![1])]!++;
  return { stored: lines.length, missing: counts.indexOf(0), doubled: counts.findIndex((c) => c > 1) };
}

/**
 * The backend comes back; the app goes on writing until the backend has what was written until then,
 * then ends. The agent exits 0, and every line written is stored exactly once.
 */
async function backAndDelivered(port: number, app: ReturnType<typeof tenPerSecond>, agent: AgentProcess) {
  await sink!.start(port);
  const backlog = app.written;
  await eventually(() => sink!.storedLines.length >= backlog, 'the backlog delivered', 30_000);
  app.stop();
  agent.child.stdin!.end();
  expect((await agent.exited).code).toBe(0);
  expect(tally(sink!.storedLines, app.written)).toEqual({ stored: app.written, missing: -1, doubled: -1 });
}

function start(state: string, extra: string[] = [], env: Record<string, string> = {}): AgentProcess {
  const agent = startAgent(['ship', '--quiet', ...extra], {
    CLOUDSAGE_ENDPOINT: sink!.url,
    CLOUDSAGE_API_KEY: KEY,
    XDG_STATE_HOME: state,
    ...env,
  });
  agents.push(agent);
  return agent;
}

describe('a backend outage while piping 10 records/s', () => {
  it(`loses and doubles nothing with the defaults (backend down ${OUTAGE_MS} ms)`, async () => {
    sink = new CountingSink({ apiKey: KEY });
    await sink.start();
    const port = sink.port;
    const state = mkdtempSync(join(tmpdir(), 'cs-outage-'));
    const agent = start(state, [], { CLOUDSAGE_LOG_LEVEL: 'info' });
    const app = tenPerSecond();
    app.pipeTo(agent);
    await sleep(1000);
    await sink.stop();
    await sleep(OUTAGE_MS);
    await backAndDelivered(port, app, agent);
    // Spooling is on by default, in the per-user state directory, and the agent says where.
    expect(agent.stderrText()).toContain(`spooling standard input to ${join(state, 'cloudsage', 'spool')}`);
  }, 60_000);

  it('loses and doubles nothing when the agent is restarted during the outage: the spool carries it over', async () => {
    sink = new CountingSink({ apiKey: KEY });
    await sink.start();
    const port = sink.port;
    const state = mkdtempSync(join(tmpdir(), 'cs-outage-'));
    const app = tenPerSecond();
    const first = start(state, ['--flush-timeout', '500']);
    app.pipeTo(first);
    // Up and shipping (a loaded machine may take seconds to start it) before the backend goes away, so
    // the SIGTERM below reaches an agent that handles it.
    await eventually(() => sink!.batches.length > 0, "the first agent's first batch", 20_000);
    await sink.stop();
    await sleep(1000);
    // The restart: the app's lines go to the next agent from now on (what it wrote is read by then).
    app.pipeTo(undefined);
    await sleep(300);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const spool = join(state, 'cloudsage', 'spool');
    const spooled = readdirSync(spool).flatMap((d) => readdirSync(join(spool, d)).filter((f) => f.endsWith('.seg')));
    expect(spooled.length).toBeGreaterThan(0);
    const second = start(state);
    app.pipeTo(second);
    await sleep(OUTAGE_MS / 2);
    await backAndDelivered(port, app, second);
  }, 60_000);
});
