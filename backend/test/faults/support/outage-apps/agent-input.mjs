// The app in front of `cloudsage ship`: writes pino-style JSON lines to its standard output, which is
// the agent's standard input. On SIGTERM it stops and its process ends, so the agent sees the end of
// its input, flushes and exits.
import { idPrefix, runLoggingLoop } from './logging-loop.mjs';

runLoggingLoop({
  prefix: idPrefix(),
  log: (id, seq) =>
    process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: id, integration: 'agent', seq })}\n`),
  stop: () => {},
});
