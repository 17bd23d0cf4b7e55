// winston runs: @cloudsage/winston, winston's own Http transport (its defaults: one POST per record) and
// its File transport to /dev/null, each as the only transport of a default-format (JSON) logger.
import { once } from 'node:events';
import { CloudSageTransport } from '@cloudsage/winston';
import winston from 'winston';
import { record } from '../workload.mjs';
import { cloudsageOptions } from './cloudsage-options.mjs';

function run(transport, extra = {}) {
  const logger = winston.createLogger({ transports: [transport] });
  return {
    log: (i) => {
      const r = record(i);
      if (r.error) logger.error(r.msg, r.attrs);
      else logger.info(r.msg, r.attrs);
    },
    close: async () => {
      const finished = once(logger, 'finish');
      logger.end();
      await finished;
    },
    ...extra,
  };
}

/** @type {Record<string, (ctx: { sinkUrl: string, records: number }) => object>} */
export const setups = {
  'winston-file': ({ records }) => {
    const transport = new winston.transports.File({ filename: '/dev/null' });
    // 'logged' fires once the File transport's stream took the line.
    let logged = 0;
    let onAll;
    const all = new Promise((resolve) => {
      onAll = resolve;
    });
    transport.on('logged', () => {
      if (++logged === records) onAll();
    });
    return run(transport, { ready: once(transport, 'open'), written: () => all });
  },
  'winston-cloudsage': ({ sinkUrl }) => run(new CloudSageTransport(cloudsageOptions(sinkUrl))),
  'winston-http': ({ sinkUrl }) => {
    const { hostname, port } = new URL(sinkUrl);
    return run(new winston.transports.Http({ host: hostname, port: Number(port), path: '/winston' }));
  },
};
