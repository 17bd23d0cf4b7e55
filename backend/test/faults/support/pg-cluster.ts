import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../durability/child-backend.js';

const run = promisify(execFile);

/** The newest installed PostgreSQL's bin directory (`CLOUDSAGE_FAULTS_PG_BIN` overrides it). */
function pgBin(): string {
  if (process.env.CLOUDSAGE_FAULTS_PG_BIN) return process.env.CLOUDSAGE_FAULTS_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin/initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error(`no PostgreSQL under ${root}; set CLOUDSAGE_FAULTS_PG_BIN`);
  return join(root, versions[0], 'bin');
}

/**
 * A PostgreSQL cluster of the suite's own, on a free port in a temp directory, so a fault test can
 * stop and start it without touching the shared server on 5432 (docs/architecture.md, "Tests and time").
 * initdb refuses to run as root, so as root the commands run as the `postgres` user.
 */
export class PgCluster {
  readonly url: string;
  readonly #dir: string;
  readonly #bin = pgBin();
  readonly #asRoot = process.getuid?.() === 0;

  private constructor(readonly port: number) {
    this.#dir = mkdtempSync(join(tmpdir(), 'cs-fault-pg-'));
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  static async create(): Promise<PgCluster> {
    const cluster = new PgCluster(await freePort());
    if (cluster.#asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(cluster.#dir, Number(stdout.trim()), Number(gid.trim()));
    }
    await cluster.#pg('initdb', ['-D', cluster.#data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    await cluster.start();
    return cluster;
  }

  get #data(): string {
    return join(this.#dir, 'data');
  }

  async #pg(tool: string, args: string[]): Promise<void> {
    const bin = join(this.#bin, tool);
    const [cmd, argv] = this.#asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
    await run(cmd, argv, { timeout: 120_000 });
  }

  /** Starts the server and waits until it takes connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.#dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
    await this.#pg('pg_ctl', [
      'start',
      '-w',
      '-t',
      '120',
      '-D',
      this.#data,
      '-l',
      join(this.#dir, 'log'),
      '-o',
      options,
    ]);
  }

  /**
   * Stops the server: `immediate` is a crash (no checkpoint; recovery from the WAL at start),
   * `fast` a clean shutdown that ends every session with 57P01.
   */
  async stop(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    await this.#pg('pg_ctl', ['stop', '-w', '-t', '120', '-D', this.#data, '-m', mode]);
  }

  async dispose(): Promise<void> {
    try {
      await this.stop('immediate');
    } catch {
      // Already stopped.
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
