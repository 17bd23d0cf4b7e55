// A pino transport target that does the least any HTTP shipper must do, as a second floor for the pino
// table: it forwards thread-stream's text as it arrives, about 1 MiB per POST cut at a line end, to the
// sink's CloudSage route (gzip at `level` when given), with at most 4 requests in flight. No line is
// looked at, counted, redacted, buffered for retry or re-sent. It is not a shipper: it shows how long the
// machine needs to move the burst through thread-stream and HTTP into the sink that decodes every line.
import { Agent, request } from 'node:http';
import { Writable } from 'node:stream';
import { gzip } from 'node:zlib';

const BODY_CHARS = 1 << 20;
const MAX_IN_FLIGHT = 4;

/** @param {{ url: string, level?: number }} options */
export default async function bareHttpTarget(options) {
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const url = new URL('/api/ingest', options.url);
  const headers = { 'content-type': 'application/x-ndjson', 'x-cloudsage-key': 'csk_bench' };
  if (options.level !== undefined) headers['content-encoding'] = 'gzip';
  let pending = '';
  let onRoom = null;
  // The requests in flight (encoding or posting).
  const sent = new Set();

  const encode = (text) =>
    options.level === undefined
      ? Promise.resolve(Buffer.from(text))
      : new Promise((resolve, reject) =>
          gzip(text, { level: options.level }, (err, out) => (err ? reject(err) : resolve(out))),
        );
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  const send = (text) => {
    // A failed POST is not retried: its records are missing from the sink's count, which shows it.
    const done = encode(text)
      .then(post)
      .catch(() => {})
      .finally(() => {
        sent.delete(done);
        const wake = onRoom;
        onRoom = null;
        wake?.();
      });
    sent.add(done);
  };

  return new Writable({
    decodeStrings: false,
    write(chunk, _encoding, callback) {
      pending += typeof chunk === 'string' ? chunk : chunk.toString();
      if (pending.length < BODY_CHARS) return callback();
      const cut = pending.lastIndexOf('\n') + 1;
      send(pending.slice(0, cut));
      pending = pending.slice(cut);
      if (sent.size < MAX_IN_FLIGHT) return callback();
      onRoom = callback;
    },
    final(callback) {
      if (pending.length > 0) send(pending);
      pending = '';
      Promise.allSettled([...sent]).then(() => {
        agent.destroy();
        callback();
      });
    },
  });
}
