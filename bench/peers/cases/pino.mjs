// pino runs: each shipper as its README sets it up, with its defaults, pointed at the local sink.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createStream } from '@cloudsage/pino';
import pino from 'pino';
import { record } from '../workload.mjs';
import { cloudsageOptions } from './cloudsage-options.mjs';

const BARE_HTTP_TARGET = fileURLToPath(new URL('./bare-http-target.mjs', import.meta.url));

function logWith(logger) {
  return (i) => {
    const r = record(i);
    if (r.error) logger.error(r.attrs, r.msg);
    else logger.info(r.attrs, r.msg);
  };
}

/** pino's worker-thread transport: `pino(pino.transport({ target, options }))`, started before the burst. */
function viaTransport(target, options) {
  const transport = pino.transport({ target, options });
  const logger = pino(transport);
  return {
    log: logWith(logger),
    ready: once(transport, 'ready'),
    // The worker has read every line and its destination has flushed (thread-stream's flush round trip).
    written: () => new Promise((resolve, reject) => transport.flush((err) => (err ? reject(err) : resolve()))),
    // thread-stream gives a worker 10 s to end, then emits 'error' (which would crash the process).
    close: () =>
      new Promise((resolve, reject) => {
        transport.once('close', resolve);
        transport.once('error', reject);
        transport.end();
      }),
  };
}

/** The bare HTTP forward: delivery is what the sink counts, so no `written`. */
function bareHttp(options) {
  const { written: _, ...run } = viaTransport(BARE_HTTP_TARGET, options);
  return run;
}

/** @type {Record<string, (ctx: { sinkUrl: string }) => object>} */
export const setups = {
  'pino-file': () => viaTransport('pino/file', { destination: '/dev/null' }),
  'pino-cloudsage': ({ sinkUrl }) => {
    const { written: _, ...run } = viaTransport('@cloudsage/pino', cloudsageOptions(sinkUrl));
    return run;
  },
  'pino-cloudsage-stream': ({ sinkUrl }) => {
    const stream = createStream(cloudsageOptions(sinkUrl));
    return {
      log: logWith(pino(stream)),
      close: () =>
        new Promise((resolve) => {
          stream.once('close', resolve);
          stream.end();
        }),
    };
  },
  // The least an HTTP shipper can do (bare-http-target.mjs): a floor for delivering over HTTP, not a shipper.
  'pino-bare-http': ({ sinkUrl }) => bareHttp({ url: sinkUrl }),
  // Like for like with @cloudsage/node, which gzips at zlib's default level (6); and at level 1.
  'pino-bare-http-gzip': ({ sinkUrl }) => bareHttp({ url: sinkUrl, level: 6 }),
  'pino-bare-http-gzip1': ({ sinkUrl }) => bareHttp({ url: sinkUrl, level: 1 }),
  'pino-axiom': ({ sinkUrl }) => {
    const { written: _, ...run } = viaTransport('@axiomhq/pino', {
      dataset: 'bench',
      token: 'xaat-bench',
      url: sinkUrl,
    });
    return run;
  },
  'pino-logtail': ({ sinkUrl }) => {
    const { written: _, ...run } = viaTransport('@logtail/pino', {
      sourceToken: 'bench',
      options: { endpoint: `${sinkUrl}/` },
    });
    return run;
  },
  'pino-loki': ({ sinkUrl }) => {
    const { written: _, ...run } = viaTransport('pino-loki', { host: sinkUrl });
    return run;
  },
};
