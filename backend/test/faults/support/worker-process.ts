import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { freePort } from '../../durability/child-backend.js';

/** The built scoring worker (`pnpm --dir worker build` makes it). */
const WORKER_JS = join(dirname(fileURLToPath(import.meta.url)), '../../../../worker/dist/server.js');

/** The real scoring worker as a child process on a fixed port: killed, restarted, paused. */
export class WorkerProcess {
  readonly url: string;
  #child: ChildProcess | undefined;
  #exited: Promise<unknown> | undefined;
  #output = '';

  private constructor(
    readonly port: number,
    readonly apiKey: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(apiKey: string): Promise<WorkerProcess> {
    if (!existsSync(WORKER_JS)) throw new Error(`${WORKER_JS} is missing: run pnpm --dir worker build first`);
    const worker = new WorkerProcess(await freePort(), apiKey);
    await worker.restart();
    return worker;
  }

  output(): string {
    return this.#output;
  }

  /** Starts the worker (again) on its port and waits for `/readyz`. */
  async restart(): Promise<void> {
    const child = spawn(process.execPath, [WORKER_JS], {
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        WORKER_PORT: String(this.port),
        WORKER_API_KEY: this.apiKey,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#child = child;
    this.#exited = once(child, 'exit');
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${this.#output}`);
      try {
        const res = await request(`${this.url}/readyz`);
        await res.body.dump();
        if (res.statusCode === 200) return;
      } catch {
        // Not listening yet.
      }
      if (attempt > 1200) throw new Error(`worker did not get ready:\n${this.#output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL: the worker is down (connections refused) until `restart`. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    await this.#exited;
  }

  /** SIGSTOP: the worker still accepts connections (the kernel does) but answers nothing: slow. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** SIGCONT: it answers what waited. */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }
}
