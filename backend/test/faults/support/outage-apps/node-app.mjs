// @cloudsage/node with its defaults (SPOOL_DIR adds `spoolDir`, for the restart-during-outage case).
// On SIGTERM the app stops logging and lets its event loop end: the client's own SIGTERM and
// beforeExit hooks do the final flush (docs/architecture.md, "SDK behaviour").
import { CloudSage } from '@cloudsage/node';
import { endpointAndKey, idPrefix, runLoggingLoop } from './logging-loop.mjs';

const spoolDir = process.env.SPOOL_DIR;
const client = new CloudSage({ ...endpointAndKey(), ...(spoolDir ? { spoolDir } : {}) });

runLoggingLoop({
  prefix: idPrefix(),
  log: (id, seq) => client.info(id, { integration: 'node', seq }),
  stop: () => {},
});
