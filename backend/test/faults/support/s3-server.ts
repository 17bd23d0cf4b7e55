import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../durability/child-backend.js';

// s3rver is CommonJS without types; this is the part of its API the suite uses.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/**
 * A real local S3 server (s3rver) that can be stopped and started again on the same port and
 * directory, so a backend's BUCKET_URL keeps pointing at it across the outage.
 */
export class RestartableS3 {
  readonly bucketUrl: string;
  readonly credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  readonly #directory = mkdtempSync(join(tmpdir(), 'cs-fault-s3-'));
  #server: S3rverInstance | undefined;

  private constructor(
    readonly port: number,
    readonly name: string,
  ) {
    this.bucketUrl = `s3://${name}?endpoint=http://127.0.0.1:${port}&region=us-east-1`;
  }

  static async start(name = 'cloudsage'): Promise<RestartableS3> {
    const s3 = new RestartableS3(await freePort(), name);
    await s3.up();
    return s3;
  }

  /** Listens (again); objects written before the outage are still there. */
  async up(): Promise<void> {
    const server = new S3rver({
      address: '127.0.0.1',
      port: this.port,
      silent: true,
      directory: this.#directory,
      configureBuckets: [{ name: this.name, configs: [] }],
    });
    await server.run();
    this.#server = server;
  }

  /** Stops listening and drops open connections: the backend's requests fail until `up`. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const closed = server.close();
    // close() alone waits for every connection to end, and the backend's keep-alive sockets kept
    // busy by steady ingest may never end: the outage would not begin (seen under load in CI).
    (server as unknown as { httpServer?: { closeAllConnections(): void } }).httpServer?.closeAllConnections();
    await closed;
  }

  async dispose(): Promise<void> {
    await this.down();
    rmSync(this.#directory, { recursive: true, force: true });
  }
}
