// Ingest with plain fetch: a JSON array, no SDK. `CLOUDSAGE_API_KEY=csk_... node fetch.mjs`
const endpoint = process.env.CLOUDSAGE_ENDPOINT ?? 'http://127.0.0.1:3001';
const res = await fetch(`${endpoint}/api/ingest`, {
  method: 'POST',
  headers: { authorization: `Bearer ${process.env.CLOUDSAGE_API_KEY}`, 'content-type': 'application/json' },
  body: JSON.stringify([
    { level: 'info', msg: 'fetch example: job finished', service: 'fetch-example', duration: 1280 },
    { level: 'warn', msg: 'fetch example: retrying upstream', service: 'fetch-example' },
  ]),
});
const body = await res.json();
console.log(res.status, JSON.stringify(body));
if (res.status !== 202) process.exit(1);
