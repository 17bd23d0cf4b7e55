// What each shipper sends and the answer it needs, read from its source in node_modules:
//   @cloudsage/node   POST /api/ingest, gzip NDJSON; parses 202 { batchId, accepted, rejected, errors }.
//   @axiomhq/js       POST /v1/datasets/:dataset/ingest, gzip NDJSON (CompressionStream); res.json() on 2xx.
//   @logtail/node     POST to its `endpoint` (here /), gzip msgpack array of logs; any 2xx.
//   pino-loki         POST /loki/api/v1/push, JSON { streams: [{ stream, values: [[ts, line]] }] }; res.ok.
//   winston Http      POST to its `path` (here /winston), JSON: one info, or an array with `batch`; 200 only.
//   OTLP/HTTP         POST /v1/logs, JSON ExportLogsServiceRequest (or protobuf); 200 ExportLogsServiceResponse.
// Each decoder decodes the whole body and counts the records it really holds, so a malformed batch counts 0.
import { gunzipSync } from 'node:zlib';
import { decode as decodeMsgpack } from '@msgpack/msgpack';

function inflate(body, headers) {
  return headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

function countNdjson(text) {
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const value = JSON.parse(line);
    if (value !== null && typeof value === 'object') n++;
  }
  return n;
}

function json(status, body) {
  return { status, type: 'application/json', body: JSON.stringify(body) };
}

const EMPTY = (status) => ({ status, type: undefined, body: '' });

/** Counts OTLP protobuf log records: ExportLogsServiceRequest.resource_logs(1).scope_logs(2).log_records(2). */
function countOtlpProtobuf(buf) {
  const fields = (b, want) => {
    const out = [];
    let i = 0;
    const varint = () => {
      let v = 0;
      let shift = 0;
      for (;;) {
        const byte = b[i++];
        v += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) return v;
        shift += 7;
      }
    };
    while (i < b.length) {
      const key = varint();
      const wire = key & 7;
      if (wire === 0) varint();
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else if (wire === 2) {
        const len = varint();
        if (key >>> 3 === want) out.push(b.subarray(i, i + len));
        i += len;
      } else throw new Error(`protobuf wire type ${wire}`);
    }
    return out;
  };
  let n = 0;
  for (const rl of fields(buf, 1)) for (const sl of fields(rl, 2)) n += fields(sl, 2).length;
  return n;
}

/**
 * Routes a finished request to its protocol's decoder. Returns the records counted and the answer.
 * @param {{ method: string, url: string, headers: Record<string, string> }} req
 * @param {Buffer} body
 */
export function decodeAndAnswer(req, body) {
  const path = req.url.split('?')[0];
  const type = (req.headers['content-type'] ?? '').split(';')[0];
  if (req.method !== 'POST') return { protocol: 'unknown', records: 0, answer: EMPTY(405) };
  if (path === '/api/ingest') {
    const records = countNdjson(inflate(body, req.headers).toString('utf8'));
    return {
      protocol: 'cloudsage',
      records,
      answer: json(202, { batchId: `b${Date.now()}`, accepted: records, rejected: 0, errors: [] }),
    };
  }
  if (/^\/v1\/datasets\/[^/]+\/ingest$/.test(path)) {
    const records = countNdjson(inflate(body, req.headers).toString('utf8'));
    const answer = { ingested: records, failed: 0, failures: [], processedBytes: body.length };
    return { protocol: 'axiom', records, answer: json(200, { ...answer, blocksCreated: 0, walLength: 0 }) };
  }
  if (path === '/' && type === 'application/msgpack') {
    const logs = decodeMsgpack(inflate(body, req.headers));
    return { protocol: 'logtail', records: Array.isArray(logs) ? logs.length : 0, answer: EMPTY(202) };
  }
  if (path === '/loki/api/v1/push') {
    if (type !== 'application/json') return { protocol: 'loki', records: 0, answer: EMPTY(415) };
    const { streams } = JSON.parse(inflate(body, req.headers).toString('utf8'));
    let records = 0;
    for (const s of streams) records += s.values.length;
    return { protocol: 'loki', records, answer: EMPTY(204) };
  }
  if (path === '/winston') {
    const value = JSON.parse(inflate(body, req.headers).toString('utf8'));
    return { protocol: 'winston-http', records: Array.isArray(value) ? value.length : 1, answer: EMPTY(200) };
  }
  if (path === '/v1/logs') {
    const raw = inflate(body, req.headers);
    if (type === 'application/x-protobuf') {
      return {
        protocol: 'otlp',
        records: countOtlpProtobuf(raw),
        answer: { status: 200, type: 'application/x-protobuf', body: '' },
      };
    }
    const { resourceLogs = [] } = JSON.parse(raw.toString('utf8'));
    let records = 0;
    for (const rl of resourceLogs) for (const sl of rl.scopeLogs ?? []) records += sl.logRecords?.length ?? 0;
    return { protocol: 'otlp', records, answer: json(200, {}) };
  }
  return { protocol: 'unknown', records: 0, answer: EMPTY(404) };
}
