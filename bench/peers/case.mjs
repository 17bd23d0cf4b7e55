// One run, in its own process (forked by run.mjs): `node case.mjs <case-id>`. It builds the logger, waits
// until its transport is up, logs the burst in one synchronous loop when told to, then stays alive like a
// service would, so delivery happens in the background, until run.mjs asks for its figures and closes it.
import { performance } from 'node:perf_hooks';
import { CASES } from './cases/registry.mjs';

const id = process.argv[2];
const N = Number(process.env.BENCH_RECORDS);
const sinkUrl = process.env.BENCH_SINK_URL;
const CLOSE_DEADLINE_MS = 20_000;

const epochNow = () => performance.timeOrigin + performance.now();
const send = (m) => process.send(m);

const spec = CASES.find((c) => c.id === id);
if (!spec) throw new Error(`no such case: ${id}`);
const { setups } = await import(new URL(`./cases/${spec.module.slice(2)}`, import.meta.url).href);
const run = await setups[id]({ sinkUrl, records: N });
await run.ready;

let elu0;
let cpu0;
process.on('message', async (m) => {
  if (m.type === 'go') {
    elu0 = performance.eventLoopUtilization();
    cpu0 = process.cpuUsage();
    const startAt = epochNow();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) run.log(i);
    const burstMs = performance.now() - t0;
    send({ type: 'burst', startAt, burstMs });
    if (run.written) {
      run.written().then(
        () => send({ type: 'written', at: epochNow() }),
        (err) => send({ type: 'written', at: epochNow(), error: String(err) }),
      );
    }
  } else if (m.type === 'report') {
    // Main-thread busy time since the burst began: the loop plus whatever the shipper did afterwards on this
    // thread (formatting, batching, serializing, HTTP); maxRSS covers the worker threads too.
    const elu = performance.eventLoopUtilization(elu0);
    const mem = process.memoryUsage();
    // CPU of the whole process (every thread, libuv's pool included) since the burst began.
    const cpu = process.cpuUsage(cpu0);
    send({
      type: 'stats',
      busyMs: elu.active,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssKb: process.resourceUsage().maxRSS,
      heapUsed: mem.heapUsed,
    });
  } else if (m.type === 'close') {
    const t0 = performance.now();
    const deadline = new Promise((resolve) => setTimeout(resolve, CLOSE_DEADLINE_MS, 'deadline').unref());
    const closing = Promise.resolve()
      .then(() => run.close())
      .then(
        () => 'closed',
        (err) => `failed: ${err.message}`,
      );
    const how = await Promise.race([closing, deadline]);
    send({ type: 'closed', how, closeMs: performance.now() - t0 });
    setImmediate(() => process.exit(0));
  }
});
send({ type: 'ready' });
