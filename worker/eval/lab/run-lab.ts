/**
 * `pnpm eval:lab --record`: runs the lab's real system under steady load, injects each fault kind once
 * (seeded shuffled order, one at a time, healthy gaps between), and records what the shippers send.
 * `pnpm eval:lab` alone runs the scoring evaluation on the recordings (`eval:scoring --set lab`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../prng.js';
import { type ClientMinute, ClientMinutes } from './client-minutes.js';
import { FAULTS, type FaultKind } from './faults.js';
import { type LabArgs, parseLabArgs } from './lab-args.js';
import { LabSystem, SERVICES } from './lab-system.js';
import { LiveView } from './live-view.js';
import { startLoad } from './load.js';

const here = dirname(fileURLToPath(import.meta.url));
const workerDir = resolve(here, '..', '..');

/** One labelled interval of `labels.json`. */
interface FaultLabel {
  kind: FaultKind;
  service: string;
  from: string;
  to: string;
  benign?: true;
  note: string;
}

function shuffled<T>(xs: T[], seed: number): T[] {
  const rng = new Rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function record(args: LabArgs): Promise<number> {
  const outDir = join(here, 'recordings', args.name);
  mkdirSync(outDir, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'cloudsage-lab-'));
  const log = (msg: string) => console.log(`[lab ${new Date().toISOString().slice(11, 19)}] ${msg}`);
  const lab = new LabSystem(workDir, join(outDir, 'records.ndjson.gz'), workerDir, log);
  const live = new LiveView(log);
  lab.recorder.onRecord = (r) => live.see(r);
  const labels = {
    name: args.name,
    startedAt: new Date().toISOString(),
    endedAt: new Date().toISOString(),
    services: [...SERVICES],
    faults: [] as FaultLabel[],
    clients: [] as ClientMinute[],
  };
  const clients = new ClientMinutes();
  const writeLabels = () => {
    labels.endedAt = new Date().toISOString();
    labels.clients = clients.toJSON();
    writeFileSync(join(outDir, 'labels.json'), `${JSON.stringify(labels, null, 2)}\n`);
  };

  let aborted = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      if (aborted) return r();
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
  const onSignal = (sig: string) => {
    if (aborted) return;
    aborted = true;
    log(`${sig}: stopping`);
    wake?.();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  let stopLoad = () => {};
  const ticker = setInterval(() => live.report(clients, lab), 30000);
  let open: { label: FaultLabel; undo: () => Promise<void> } | undefined;
  let status = 0;
  try {
    log(`starting the lab in ${workDir}`);
    await lab.start();
    labels.startedAt = new Date().toISOString();
    log(
      `services up: ${Object.entries(lab.urls)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    stopLoad = startLoad(lab.urls.gateway!, args.rps, args.seed, clients);
    await sleep(args.warmupMinutes * 60000);
    const order = shuffled(args.only, args.seed);
    log(`fault order: ${order.join(', ')}`);
    for (const kind of order) {
      if (aborted) break;
      const f = FAULTS[kind];
      const label: FaultLabel = { kind, service: f.service, from: new Date().toISOString(), to: '', note: f.note };
      if (f.benign) label.benign = true;
      log(`inject ${kind} on ${f.service}`);
      open = { label, undo: () => f.undo(lab) };
      await f.inject(lab);
      await sleep(args.faultMinutes * 60000);
      await f.undo(lab);
      open = undefined;
      label.to = new Date().toISOString();
      labels.faults.push(label);
      writeLabels();
      log(`undo ${kind}`);
      if (aborted) break;
      await sleep(args.gapMinutes * 60000);
    }
  } catch (err) {
    log(`lab failed: ${(err as Error).stack ?? err}`);
    status = 1;
  } finally {
    clearInterval(ticker);
    if (open) {
      // Cut short inside a fault: label what was recorded of it.
      await open.undo().catch(() => {});
      open.label.to = new Date().toISOString();
      labels.faults.push(open.label);
    }
    stopLoad();
    await new Promise((r) => setTimeout(r, 3000));
    writeLabels();
    log('stopping services, agents and stores');
    await lab.stop().catch((err) => log(`stop failed: ${err}`));
    for (const pid of lab.supervisor.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    live.report(clients, lab);
    log(`recorded ${lab.recorder.records} records in ${lab.recorder.batches} batches to ${outDir}`);
    if (!process.env.LAB_KEEP_WORKDIR) rmSync(workDir, { recursive: true, force: true });
  }
  return aborted ? 130 : status;
}

function evaluate(): Promise<number> {
  const repo = resolve(workerDir, '..');
  return new Promise((r) => {
    const child = spawn('pnpm', ['--dir', 'worker', 'eval:scoring', '--set', 'lab'], { cwd: repo, stdio: 'inherit' });
    child.on('exit', (code) => r(code ?? 1));
  });
}

const args = parseLabArgs(process.argv.slice(2));
process.exitCode = args.record ? await record(args) : await evaluate();
process.exit();
