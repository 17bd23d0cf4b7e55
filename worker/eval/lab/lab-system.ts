/**
 * Starts and stops the lab's system: recorder, PostgreSQL (behind the delaying proxy for orders),
 * Redis, the four services and one `cloudsage ship` agent per service tailing its stdout/stderr file.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { LabPostgres, LabRedis } from './datastores.js';
import { DelayProxy } from './delay-proxy.js';
import type { LabHandles } from './faults.js';
import { Recorder } from './recorder.js';
import { Supervisor } from './supervisor.js';

/** The services of the lab, in start order (callees first). */
export const SERVICES = ['inventory', 'payments', 'orders', 'gateway'] as const;
const API_KEY = 'csk_lab_recorder';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitHttp(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** A running lab. */
export class LabSystem implements LabHandles {
  readonly supervisor: Supervisor;
  readonly redis: LabRedis;
  readonly postgres: LabPostgres;
  pgProxy!: DelayProxy;
  readonly recorder: Recorder;
  readonly urls: Record<string, string> = {};
  readonly #chaos = new Map<string, Set<string>>();

  constructor(
    readonly workDir: string,
    recordsFile: string,
    readonly workerDir: string,
    log: (msg: string) => void,
  ) {
    this.supervisor = new Supervisor(workerDir, log);
    this.redis = new LabRedis(join(workDir, 'redis'), 0);
    this.postgres = new LabPostgres(join(workDir, 'pg'), 0);
    this.recorder = new Recorder(recordsFile);
  }

  /** Starts everything and waits until the gateway answers. */
  async start(): Promise<void> {
    mkdirSync(this.workDir, { recursive: true });
    chmodSync(this.workDir, 0o755); // mkdtemp makes it 0700; the postgres user must reach its data dir
    const endpoint = await this.recorder.start();
    this.postgres.port = await freePort();
    this.redis.port = await freePort();
    await this.postgres.start();
    await this.redis.start();
    this.pgProxy = new DelayProxy(await freePort(), this.postgres.port);
    await this.pgProxy.start();

    const ports: Record<string, number> = {};
    for (const s of SERVICES) {
      ports[s] = await freePort();
      this.urls[s] = `http://127.0.0.1:${ports[s]}`;
    }
    const agentCli = createRequire(join(this.workerDir, 'package.json')).resolve('@cloudsage/agent/package.json');
    const cli = join(agentCli, '..', 'dist', 'cli.js');
    for (const s of SERVICES) {
      const logFile = join(this.workDir, `${s}.log`);
      await this.supervisor.start({
        name: `agent-${s}`,
        restart: true,
        logFile: join(this.workDir, `agent-${s}.out`),
        args: [cli, 'ship', '--file', logFile, '--service', s, '--from-start', '--quiet', '--batch-wait', '1000'],
        env: {
          CLOUDSAGE_ENDPOINT: endpoint,
          CLOUDSAGE_API_KEY: API_KEY,
          CLOUDSAGE_STATE_DIR: join(this.workDir, `agent-state-${s}`),
          CLOUDSAGE_LOG_LEVEL: 'warn',
        },
      });
    }
    for (const s of SERVICES) {
      const heap = s === 'payments' ? ['--max-old-space-size=64'] : ['--max-old-space-size=256'];
      await this.supervisor.start({
        name: s,
        restart: true,
        logFile: join(this.workDir, `${s}.log`),
        args: [...heap, '--import', 'tsx', join('eval', 'lab', 'services', `${s}.ts`)],
        env: {
          NODE_ENV: 'production',
          PORT: String(ports[s]),
          SERVICE_NAME: s,
          APP_VERSION: '1.4.2',
          LAB_CHAOS: '',
          CLOUDSAGE_ENDPOINT: endpoint,
          CLOUDSAGE_API_KEY: API_KEY,
          ORDERS_URL: this.urls.orders!,
          INVENTORY_URL: this.urls.inventory!,
          PAYMENTS_URL: this.urls.payments!,
          PG_URL:
            s === 'orders' ? `postgres://postgres@127.0.0.1:${this.pgProxy.listenPort}/postgres` : this.postgres.url,
          REDIS_URL: this.redis.url,
        },
      });
    }
    for (const s of SERVICES) await waitHttp(`${this.urls[s]}/`, 30000);
  }

  /** Turns a chaos mode on or off in a service, now and for its next restart. */
  async chaos(service: string, mode: string, on: boolean): Promise<void> {
    const modes = this.#chaos.get(service) ?? new Set<string>();
    if (on) modes.add(mode);
    else modes.delete(mode);
    this.#chaos.set(service, modes);
    this.supervisor.setEnv(service, { LAB_CHAOS: [...modes].join(',') });
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await fetch(`${this.urls[service]}/__chaos/${mode}/${on ? 'on' : 'off'}`, {
          method: 'POST',
          signal: AbortSignal.timeout(3000),
        });
        return;
      } catch {
        // restarting (e.g. after an out-of-memory crash): its next start reads LAB_CHAOS
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Stops everything this lab started: services first (they flush), then agents, then stores. */
  async stop(): Promise<void> {
    await this.supervisor.stopAll(SERVICES.map((s) => `agent-${s}`));
    await this.recorder.stop();
    await this.pgProxy?.stop();
    await this.redis.stop();
    this.postgres.stop();
  }
}
