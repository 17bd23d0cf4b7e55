/**
 * Starts the worker: parses the environment, listens, and on SIGTERM/SIGINT stops taking new requests,
 * lets those in flight finish (bounded by WORKER_SHUTDOWN_TIMEOUT_MS), then exits.
 */
import { build } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      // No logger exists yet; stderr is where a failed start-up belongs.
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const app = await build(config);
  if (config.apiKey === undefined) app.log.warn('WORKER_ALLOW_NO_AUTH=1: /score accepts requests without a key');
  let stopping: Promise<void> | undefined;
  const stop = (signal: string): Promise<void> => {
    // A second signal joins the shutdown already running instead of starting another.
    stopping ??= (async () => {
      app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      const timer = setTimeout(() => {
        app.log.error('shutdown timed out; exiting with requests still open');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      timer.unref();
      await app.close();
      app.log.info('shut down');
      process.exit(0);
    })();
    return stopping;
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
