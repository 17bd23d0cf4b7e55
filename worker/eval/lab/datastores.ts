/**
 * The lab's own PostgreSQL and Redis: a fresh data directory and a free port each, started and stopped
 * by the lab. PostgreSQL refuses to run as root, so initdb and pg_ctl run as the `postgres` user.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const PG_BIN = process.env.LAB_PG_BIN ?? '/usr/lib/postgresql/15/bin';

function asPostgres(args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...args] : args;
}

function run(argv: string[]): void {
  execFileSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A PostgreSQL cluster of the lab's own. */
export class LabPostgres {
  readonly dataDir: string;
  constructor(
    readonly dir: string,
    public port: number,
  ) {
    this.dataDir = join(dir, 'pgdata');
  }

  /** Creates the cluster, starts it, and creates the lab's tables. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    chmodSync(this.dir, 0o777);
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(this.dir, uid, gid);
    }
    if (!existsSync(this.dataDir)) {
      run(asPostgres([`${PG_BIN}/initdb`, '-D', this.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']));
    }
    this.pgCtl('start');
    const client = new pg.Client(this.url);
    await client.connect();
    await client.query(`
      CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY, sku text NOT NULL, qty integer NOT NULL,
        total_cents integer NOT NULL, customer text, status text NOT NULL DEFAULT 'new',
        created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE IF NOT EXISTS payments (id serial PRIMARY KEY, order_id integer NOT NULL,
        amount_cents integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`);
    await client.end();
  }

  /** Stops the cluster (fast shutdown: open sessions are ended). */
  stop(): void {
    try {
      this.pgCtl('stop', ['-m', 'fast']);
    } catch {
      // already stopped
    }
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private pgCtl(cmd: string, extra: string[] = []): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=40 -c fsync=off`;
    run(
      asPostgres([
        `${PG_BIN}/pg_ctl`,
        '-D',
        this.dataDir,
        '-o',
        opts,
        '-l',
        join(this.dir, 'postgres.log'),
        '-w',
        cmd,
        ...extra,
      ]),
    );
  }
}

/** A Redis of the lab's own, no persistence; `stop()`/`start()` again is the dependency-down fault. */
export class LabRedis {
  #proc: ChildProcess | undefined;
  constructor(
    readonly dir: string,
    public port: number,
  ) {}

  /** Starts redis-server and waits until it accepts connections. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.#proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 50; i++) {
      if (await canConnect(this.port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Stops redis-server (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const p = this.#proc;
    this.#proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
}

async function canConnect(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
