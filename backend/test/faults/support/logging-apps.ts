import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The integrations an app can log through; each has an app in `outage-apps/`. */
export const INTEGRATIONS = ['node', 'pino', 'winston', 'otel', 'agent'] as const;
export type Integration = (typeof INTEGRATIONS)[number];

const app = (name: string) => fileURLToPath(new URL(`./outage-apps/${name}`, import.meta.url));
/** The agent's built bin, run as users run it (`packages/agent/test/support/agent.ts` does the same). */
const AGENT_CLI = fileURLToPath(new URL('../../../../packages/agent/dist/cli.js', import.meta.url));

/** Options of {@link LoggingApp.start}. */
export interface LoggingAppOptions {
  endpoint: string;
  apiKey: string;
  /** Id prefix of the app's records: `<prefix>-0`, `<prefix>-1`, ... */
  prefix: string;
  /** More environment for the app (never options about retries, buffers or the spool, unless a case is about them). */
  env?: Record<string, string>;
  /** The agent's `XDG_STATE_HOME`, so its state stays out of the home directory. */
  stateDir?: string;
}

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<string>;
  output: string;
}

// The environment without the CloudSage settings of whoever runs the suite.
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => !e[0].startsWith('CLOUDSAGE_') && e[1] !== undefined,
    ),
  );
}

function track(name: string, child: ChildProcess): Proc {
  const proc: Proc = {
    name,
    child,
    output: '',
    exited: new Promise((resolve) => {
      // 'close', not 'exit': by then the app's last count on fd 3 has been read.
      child.on('close', (code, signal) => resolve(code === null ? `signal ${signal}` : `exit ${code}`));
    }),
  };
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    proc.output = (proc.output + d).slice(-4_000);
  });
  return proc;
}

/**
 * One app logging ~100 records a second through one integration, as child processes: the app itself,
 * or for the agent an app whose standard output is `cloudsage ship`'s standard input. The app counts
 * what it logged on fd 3, so the test knows every id without reading the app's output.
 */
export class LoggingApp {
  #logged = 0;
  #ended = false;
  #endStatus: Promise<string> | undefined;

  private constructor(
    readonly integration: Integration,
    readonly prefix: string,
    /** The process that logs (and gets the SIGTERM), then any process behind it. */
    private readonly procs: Proc[],
  ) {
    const counter = procs[0]!.child.stdio[3] as Readable;
    createInterface({ input: counter }).on('line', (line) => {
      const [what, n] = line.split(' ');
      if (what === 'logged' || what === 'end') this.#logged = Number(n);
      if (what === 'end') this.#ended = true;
    });
  }

  /** Starts the app and answers at once; it logs from its first tick on. */
  static start(integration: Integration, options: LoggingAppOptions): LoggingApp {
    const env = {
      ...cleanEnv(),
      CLOUDSAGE_ENDPOINT: options.endpoint,
      CLOUDSAGE_API_KEY: options.apiKey,
      OUTAGE_APP_PREFIX: options.prefix,
      ...options.env,
    };
    if (integration !== 'agent') {
      const child = spawn(process.execPath, [app(`${integration}-app.mjs`)], {
        env,
        stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      });
      return new LoggingApp(integration, options.prefix, [track(integration, child)]);
    }
    // `node app.mjs | cloudsage ship`: the agent with only endpoint and key (from the environment, as
    // its README sets it up); its copy of the input to stdout goes nowhere.
    const agent = spawn(process.execPath, [AGENT_CLI, 'ship'], {
      env: { ...env, ...(options.stateDir ? { XDG_STATE_HOME: options.stateDir } : {}) },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const input = spawn(process.execPath, [app('agent-input.mjs')], {
      env,
      stdio: ['ignore', agent.stdin!, 'pipe', 'pipe'],
    });
    // The app holds the pipe's only writing end now, so the agent sees the end of input when it exits.
    agent.stdin!.destroy();
    return new LoggingApp(integration, options.prefix, [track('input', input), track('agent', agent)]);
  }

  /** Records logged so far. */
  get logged(): number {
    return this.#logged;
  }

  /** The id of every record the app logged (complete once {@link end} has answered). */
  ids(): string[] {
    return Array.from({ length: this.#logged }, (_, i) => `${this.prefix}-${i}`);
  }

  /**
   * Ends the app as an app ends (SIGTERM; for the agent that ends its input) and waits for each process
   * to exit by itself, at most `deadlineMs`. Answers `exit 0` when every process exited 0, else how
   * each ended (one still running at the deadline is SIGKILLed).
   */
  end(deadlineMs: number): Promise<string> {
    this.#endStatus ??= this.#end(deadlineMs);
    return this.#endStatus;
  }

  async #end(deadlineMs: number): Promise<string> {
    const early = this.procs.map((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    this.procs[0]!.child.kill('SIGTERM');
    const statuses = await Promise.all(
      this.procs.map(async (p) => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<string>((resolve) => {
          timer = setTimeout(() => {
            p.child.kill('SIGKILL');
            resolve(`still running ${deadlineMs / 1000} s after SIGTERM (killed)`);
          }, deadlineMs);
        });
        const status = await Promise.race([p.exited, deadline]);
        clearTimeout(timer);
        return status;
      }),
    );
    const problems = this.procs.flatMap((p, i) =>
      statuses[i] === 'exit 0' && !early[i] ? [] : [`${p.name}: ${statuses[i]}${early[i] ? ' before the end' : ''}`],
    );
    if (!this.#ended) problems.push(`${this.procs[0]!.name}: never said how many it logged`);
    return problems.length === 0 ? 'exit 0' : problems.join('; ');
  }

  /** What the processes wrote to stderr last (for failure messages). */
  output(): string {
    return this.procs.map((p) => `--- ${this.integration} ${p.name} stderr:\n${p.output}`).join('\n');
  }

  /** SIGKILLs whatever still runs (cleanup). */
  async kill(): Promise<void> {
    for (const p of this.procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(this.procs.map((p) => p.exited));
  }
}
