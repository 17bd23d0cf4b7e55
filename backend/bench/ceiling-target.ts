import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import Fastify from 'fastify';

/*
 * The ceiling of `ingest.bench.ts`: a bare Fastify route that only gunzips and parses the same
 * bodies, in its own process like the backend. Reports its port over IPC; stops on 'stop'.
 */

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
app.post('/api/ingest', async (request, reply) => {
  let records = 0;
  let rest = '';
  await pipeline(request.body as Readable, createGunzip(), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line) {
          JSON.parse(line);
          records++;
        }
      }
    }
  });
  if (rest) {
    JSON.parse(rest);
    records++;
  }
  return reply.status(202).send({ accepted: records });
});

await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ type: 'ready', port: (app.server.address() as AddressInfo).port });
process.on('message', async (message) => {
  if (message !== 'stop') return;
  await app.close();
  process.exit(0);
});
