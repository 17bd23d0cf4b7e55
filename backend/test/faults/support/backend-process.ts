import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { request } from 'undici';
import { freePort, SERVER_JS } from '../../durability/child-backend.js';

/**
 * The real backend (`node dist/server.js`) as a child process that keeps its port across restarts,
 * so SDK clients pointed at it find it again after a SIGKILL, as they would behind a supervisor.
 */
export class BackendProcess {
  readonly url: string;
  #child: ChildProcess | undefined;
  #exited: Promise<unknown> | undefined;
  #output = '';

  private constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the backend on a free port and waits for `GET /readyz` to answer 200. */
  static async start(env: Record<string, string>): Promise<BackendProcess> {
    if (!existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run pnpm --dir backend build first`);
    const backend = new BackendProcess(await freePort(), env);
    await backend.restart();
    return backend;
  }

  /** The last 20 kB the child wrote (for failure messages). */
  output(): string {
    return this.#output;
  }

  /** Starts a new process on the same port and data (after `kill` or `stop`). */
  async restart(): Promise<void> {
    const child = spawn(process.execPath, [SERVER_JS], {
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        LOG_LEVEL: 'warn',
        CLOUDSAGE_INGEST_RATE_PER_MIN: '0',
        CLOUDSAGE_INGEST_WORKERS: '1',
        ...this.env,
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
      if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}:\n${this.#output}`);
      try {
        const res = await request(`${this.url}/readyz`);
        await res.body.dump();
        if (res.statusCode === 200) return;
      } catch {
        // Not listening yet.
      }
      if (attempt > 1200) throw new Error(`backend did not get ready:\n${this.#output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL: no shutdown code runs. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, and the exit code. */
  async stop(): Promise<number | null> {
    const child = this.#child;
    if (!child) return null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await this.#exited;
    return child.exitCode;
  }
}
