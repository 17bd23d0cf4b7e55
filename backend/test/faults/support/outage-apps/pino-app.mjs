// pino with the @cloudsage/pino transport (pino's worker thread) and the transport's defaults. On
// SIGTERM the app exits as the transport's README says (`process.exit(0)`): pino ends the worker's
// stream and waits for it, and the transport's `close` awaits the final flush.
import { createRequire } from 'node:module';
import pino from 'pino';
import { endpointAndKey, idPrefix, runLoggingLoop } from './logging-loop.mjs';

// The target as pino resolves '@cloudsage/pino' for its users (the package's `require` entry), found
// from the package's own folder: the backend does not depend on @cloudsage/pino, so the name alone
// does not resolve from here.
const target = createRequire(new URL('../../../../../packages/pino/package.json', import.meta.url)).resolve(
  '@cloudsage/pino',
);
const logger = pino({ transport: { target, options: endpointAndKey() } });

runLoggingLoop({
  prefix: idPrefix(),
  log: (id, seq) => logger.info({ integration: 'pino', seq }, id),
  stop: () => process.exit(0),
});
