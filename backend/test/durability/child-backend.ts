import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

/** The built entry point the durability tests run (`pnpm --dir backend build` makes it). */
export const SERVER_JS = join(dirname(fileURLToPath(import.meta.url)), '../../dist/server.js');

/** A free TCP port on 127.0.0.1 (closed again, so the child can bind it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A backend running as its own process, the way `pnpm --dir backend start` runs it. */
export interface ChildBackend {
  url: string;
  process: ChildProcess;
  /** What the child wrote to stderr and stdout (for failure messages). */
  output(): string;
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGTERM, and waits for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node dist/server.js` with the given environment (and node options) on a free port and
 * waits until `GET /readyz` answers 200.
 */
export async function startChildBackend(env: Record<string, string>, execArgv: string[] = []): Promise<ChildBackend> {
  if (!existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run pnpm --dir backend build first`);
  const port = await freePort();
  const child = spawn(process.execPath, [...execArgv, SERVER_JS], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await request(`${url}/readyz`);
      await res.body.dump();
      if (res.statusCode === 200) break;
    } catch {
      // Not listening yet.
    }
    if (attempt > 300) throw new Error(`backend did not get ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    process: child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}
