// The loop every outage app runs: 10 records every 100 ms (~100 a second), each with a unique id
// `<prefix>-<seq>`, counted on fd 3 for the test (`logged <n>` after each tick, `end <n>` once
// stopped). On SIGTERM it stops logging, says how many it logged, and leaves the ending to the app.
import { writeSync } from 'node:fs';

const TICK_MS = 100;
const PER_TICK = 10;

function report(line) {
  try {
    writeSync(3, `${line}\n`);
  } catch {
    // The test is gone: nothing to tell.
  }
}

/**
 * Logs through `log(id, seq)` until SIGTERM, then calls `stop()` (the app's own ending).
 * @param {{ prefix: string, log: (id: string, seq: number) => void, stop: () => void }} app
 */
export function runLoggingLoop({ prefix, log, stop }) {
  let seq = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < PER_TICK; i++) {
      log(`${prefix}-${seq}`, seq);
      seq++;
    }
    report(`logged ${seq}`);
  }, TICK_MS);
  process.on('SIGTERM', () => {
    clearInterval(timer);
    report(`end ${seq}`);
    stop();
  });
}

/** The settings every app takes from the test: only where to send, and with which key. */
export function endpointAndKey() {
  const endpoint = process.env.CLOUDSAGE_ENDPOINT;
  const apiKey = process.env.CLOUDSAGE_API_KEY;
  if (!endpoint || !apiKey) throw new Error('CLOUDSAGE_ENDPOINT and CLOUDSAGE_API_KEY are required');
  return { endpoint, apiKey };
}

/** The id prefix of this app's records (the integration's name, or a name per app instance). */
export function idPrefix() {
  const prefix = process.env.OUTAGE_APP_PREFIX;
  if (!prefix) throw new Error('OUTAGE_APP_PREFIX is required');
  return prefix;
}
