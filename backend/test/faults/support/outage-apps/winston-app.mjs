// winston with a CloudSageTransport with its defaults. On SIGTERM the app stops logging and ends the
// logger (`finish` waits for the transport's final flush); then its event loop ends.
import winston from 'winston';
// By path to the built package: the backend does not depend on @cloudsage/winston.
import { CloudSageTransport } from '../../../../../packages/winston/dist/index.js';
import { endpointAndKey, idPrefix, runLoggingLoop } from './logging-loop.mjs';

const logger = winston.createLogger({ transports: [new CloudSageTransport(endpointAndKey())] });

runLoggingLoop({
  prefix: idPrefix(),
  log: (id, seq) => logger.info(id, { integration: 'winston', seq }),
  stop: () => logger.end(),
});
