import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * Starts `node dist/cli.js <args>` with `env` added to a clean CloudSage environment. The per-user state
 * directory (checkpoint, default spool) is a fresh temporary one unless `env` names `XDG_STATE_HOME`.
 */
export function startAgent(args: string[], env: Record<string, string> = {}): AgentProcess {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLOUDSAGE_')));
  const state = mkdtempSync(join(tmpdir(), 'cs-state-'));
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...clean, XDG_STATE_HOME: state, CLOUDSAGE_LOG_LEVEL: 'warn', ...env },
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

/** Kills (SIGKILL) the agents still running: what a test left behind when it failed. */
export function killRunning(agents: readonly AgentProcess[]): void {
  for (const a of agents) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
}
