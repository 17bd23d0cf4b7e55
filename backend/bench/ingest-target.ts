import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openBucket } from '../src/store/bucket/open-bucket.js';
import { openSql } from '../src/store/sql/open-sql.js';

/*
 * One server under benchmark, in its own process so its CPU and RSS are its own. Started by
 * `ingest.bench.ts` with the mode as argument and the configuration in the environment; reports
 * its port and RSS over IPC and stops on a 'stop' message.
 *
 *   ceiling   a bare Fastify route that only gunzips and parses the same bodies
 *   backend   the real app (buildApp) over the stores the environment names
 */

/** The ceiling: gunzip, split lines, JSON.parse each; nothing else. */
async function ceilingApp(): Promise<FastifyInstance> {
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
  return app;
}

async function backendApp(): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const config = loadConfig(process.env);
  const sql = await openSql({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 10 });
  const bucket = openBucket(config);
  const app = await buildApp({
    config,
    sql,
    bucket,
    jwtSecret: 'bench-jwt-secret-0123456789abcdef0123',
    logger: false,
  });
  return {
    app,
    close: async () => {
      await app.close();
      await bucket.close();
      await sql.close();
    },
  };
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  let app: FastifyInstance;
  let close: () => Promise<void>;
  if (mode === 'ceiling') {
    app = await ceilingApp();
    close = () => app.close();
  } else {
    ({ app, close } = await backendApp());
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const send = (message: unknown) => process.send?.(message);
  send({ type: 'ready', port: (app.server.address() as AddressInfo).port });
  const timer = setInterval(() => send({ type: 'rss', rss: process.memoryUsage().rss }), 250);
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    clearInterval(timer);
    await close();
    process.exit(0);
  });
}

main().catch((err) => {
  process.stderr.write(`bench target failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
