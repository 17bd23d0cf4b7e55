import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built bin, as users run it. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A running `cloudsage` child process with its output collected. */
export interface AgentProcess {
  child: ChildProcess;
  stdout: Buffer[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdoutText(): string;
  stderrText(): string;
}

/** Starts `node dist/cli.js <args>` with `env` added to a clean CloudSage environment. */
export function startAgent(args: string[], env: Record<string, string> = {}): AgentProcess {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLOUDSAGE_')));
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...clean, CLOUDSAGE_LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: string[] = [];
  child.stdout!.on('data', (c: Buffer) => stdout.push(c));
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout,
    stderr,
    exited,
    stdoutText: () => Buffer.concat(stdout).toString('utf8'),
    stderrText: () => stderr.join(''),
  };
}
