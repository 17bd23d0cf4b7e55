import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { S3Bucket } from '../../src/store/bucket/s3-bucket.js';

/*
 * A store that accepts connections and then never answers (a hung proxy, a paused server) must
 * fail the request after its deadline, so ingest answers 503 and the client retries, instead of
 * waiting forever with the client's batch held.
 */

let server: Server;
const sockets: Socket[] = [];
let endpoint: string;

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.push(socket); // read the request, answer nothing
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

it('fails a put and a get on a store that never answers, after the deadline of each attempt', async () => {
  const bucket = new S3Bucket({
    bucket: 'cloudsage',
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    requestTimeoutMs: 300,
  });
  await expect(bucket.put('logs/p_1/2026-12-02/09/b_1.ndjson.gz', new Uint8Array([1, 2, 3]))).rejects.toThrow();
  await expect(bucket.get('logs/p_1/2026-12-02/09/b_1.ndjson.gz')).rejects.toThrow();
  // Every attempt reached the silent store: the deadline, not a refused connection, ended them.
  expect(sockets.length).toBeGreaterThanOrEqual(2);
}, 20_000);
