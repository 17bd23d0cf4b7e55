import { spawn } from 'node:child_process';

/** How a child process ended. */
export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs a fixture app (`node <file> <scenario>`) to its end and answers how it exited. The app never
 * flushes by itself: whatever reaches the backend got there through the integration's exit handling.
 */
export function runApp(file: URL, scenario: string, env: Record<string, string>): Promise<AppExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file.pathname, scenario], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}
