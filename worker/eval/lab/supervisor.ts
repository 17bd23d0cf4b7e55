/**
 * Runs the lab's Node processes the way a process manager does: each service's stdout and stderr are
 * appended to `<service>.log` (where Node's own crash output lands), a service that dies unasked is
 * restarted after a second, and `stopAll()` ends every process it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';

/** How to start one supervised process. */
export interface ProcessSpec {
  name: string;
  args: string[];
  env: Record<string, string>;
  /** Restart when it exits without being asked to (services yes, agents too). */
  restart: boolean;
  /** Append stdout and stderr here; otherwise they are ignored. */
  logFile?: string;
}

interface Running {
  spec: ProcessSpec;
  proc: ChildProcess;
  stopping: boolean;
}

/** A minimal supervisor; `restarts` counts unasked exits per process name. */
export class Supervisor {
  readonly restarts = new Map<string, number>();
  readonly #running = new Map<string, Running>();
  #closed = false;

  constructor(
    readonly cwd: string,
    readonly onEvent: (msg: string) => void = () => {},
  ) {}

  /** Starts (or replaces) a process under `spec.name`. */
  async start(spec: ProcessSpec): Promise<void> {
    await this.stop(spec.name);
    this.#spawn(spec);
  }

  /** Merges `env` into a process's spec and restarts it (a deploy). */
  async redeploy(name: string, env: Record<string, string>): Promise<void> {
    const r = this.#running.get(name);
    if (!r) throw new Error(`no process ${name}`);
    await this.start({ ...r.spec, env: { ...r.spec.env, ...env } });
  }

  /** Changes the environment a process gets at its next (re)start, without restarting it now. */
  setEnv(name: string, env: Record<string, string>): void {
    const r = this.#running.get(name);
    if (r) r.spec = { ...r.spec, env: { ...r.spec.env, ...env } };
  }

  /** Stops one process: SIGTERM, then SIGKILL after 5 s. */
  async stop(name: string): Promise<void> {
    const r = this.#running.get(name);
    if (!r) return;
    r.stopping = true;
    this.#running.delete(name);
    if (r.proc.exitCode !== null || r.proc.signalCode !== null) return;
    const exited = new Promise((res) => r.proc.once('exit', res));
    r.proc.kill('SIGTERM');
    const t = setTimeout(() => r.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }

  /** Stops every process, those named in `last` after the others (e.g. the shipping agents). */
  async stopAll(last: string[] = []): Promise<void> {
    this.#closed = true;
    const names = [...this.#running.keys()];
    await Promise.all(names.filter((n) => !last.includes(n)).map((n) => this.stop(n)));
    await Promise.all(last.map((n) => this.stop(n)));
  }

  /** Pids of the processes running now (for a last-resort kill at exit). */
  pids(): number[] {
    return [...this.#running.values()].map((r) => r.proc.pid).filter((p): p is number => typeof p === 'number');
  }

  #spawn(spec: ProcessSpec): void {
    const fd = spec.logFile ? openSync(resolve(this.cwd, spec.logFile), 'a') : undefined;
    const proc = spawn(process.execPath, spec.args, {
      cwd: this.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', fd ?? 'ignore', fd ?? 'ignore'],
    });
    if (fd !== undefined) closeSync(fd);
    const r: Running = { spec, proc, stopping: false };
    this.#running.set(spec.name, r);
    proc.on('exit', (code, signal) => {
      if (r.stopping || this.#closed) return;
      this.restarts.set(spec.name, (this.restarts.get(spec.name) ?? 0) + 1);
      this.onEvent(`${spec.name} exited (code ${code}, signal ${signal})${spec.restart ? '; restarting in 1 s' : ''}`);
      if (!spec.restart) return;
      setTimeout(() => {
        if (this.#closed || this.#running.get(spec.name) !== r) return;
        this.#spawn(r.spec);
      }, 1000);
    });
  }
}
