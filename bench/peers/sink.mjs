// The counting sink: a node:http server in its own process (forked by run.mjs), so its decoding and counting
// are not the benchmarked app's work. It counts records per protocol and remembers when the last one
// arrived; run.mjs reads and resets the counts over IPC between runs.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { decodeAndAnswer } from './sink-protocols.mjs';

const epochNow = () => performance.timeOrigin + performance.now();

let stats;
let cpu0;
function reset() {
  stats = { records: 0, requests: 0, wireBytes: 0, failed: 0, lastAt: 0, protocols: {}, errors: [], cpuMs: 0 };
  cpu0 = process.cpuUsage();
}
reset();

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let result;
    try {
      result = decodeAndAnswer(req, body);
    } catch (err) {
      result = { protocol: 'undecodable', records: 0, answer: { status: 400, body: String(err) } };
      if (stats.errors.length < 5) stats.errors.push(`${req.method} ${req.url}: ${err.message}`);
    }
    stats.requests++;
    stats.wireBytes += body.length;
    if (result.answer.status >= 400) stats.failed++;
    if (result.records > 0) {
      stats.records += result.records;
      stats.lastAt = epochNow();
      stats.protocols[result.protocol] = (stats.protocols[result.protocol] ?? 0) + result.records;
    }
    const headers = result.answer.type ? { 'content-type': result.answer.type } : {};
    res.writeHead(result.answer.status, headers);
    res.end(result.answer.body);
  });
});
// Peers keep connections open between batches; some (winston Http) open one per record.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

process.on('message', (m) => {
  if (m.type === 'reset') {
    reset();
    process.send({ type: 'reset-done' });
  } else if (m.type === 'stats') {
    // The sink's own CPU since the reset: decoding and HTTP work the shipper's protocol costs the receiver.
    const cpu = process.cpuUsage(cpu0);
    stats.cpuMs = (cpu.user + cpu.system) / 1000;
    process.send({ type: 'stats', id: m.id, stats });
  } else if (m.type === 'stop') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));

server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  process.send({ type: 'listening', url: `http://127.0.0.1:${server.address().port}` });
});
