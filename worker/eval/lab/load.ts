/**
 * Steady, slightly varying traffic against the gateway: each endpoint gets Poisson arrivals at
 * `rps` × (1 ± 25 % over a 7-minute wave), with a few realistic client errors (unknown SKUs, bad
 * quantities, order ids that do not exist).
 */
import { Rng } from '../prng.js';
import type { ClientMinutes } from './client-minutes.js';

const SKUS = Array.from({ length: 24 }, (_, i) => `SKU-${1001 + i}`);
const CUSTOMERS = ['ada', 'grace', 'linus', 'barbara', 'ken', 'margaret', 'dennis', 'radia'];

/** Starts the load, tallying what each request met in `clients`; returns a function that stops it. */
export function startLoad(gateway: string, rps: number, seed: number, clients: ClientMinutes): () => void {
  const rng = new Rng(seed);
  const orderIds: number[] = [];
  const t0 = Date.now();
  let stopped = false;
  let inFlight = 0;

  const endpoints: Array<() => [string, RequestInit?]> = [
    () => [`/api/products/${rng.chance(0.05) ? `SKU-${rng.int(5000, 5999)}` : rng.pick(SKUS)}`],
    () => {
      const qty = rng.chance(0.04) ? 0 : rng.int(1, 4);
      const body = { sku: rng.chance(0.03) ? 'SKU-9999' : rng.pick(SKUS), qty, customer: rng.pick(CUSTOMERS) };
      return [
        '/api/orders',
        { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      ];
    },
    () => {
      const id = orderIds.length === 0 || rng.chance(0.05) ? rng.int(900000, 999999) : rng.pick(orderIds.slice(-200));
      return [`/api/orders/${id}`];
    },
  ];

  async function fire(make: () => [string, RequestInit?]): Promise<void> {
    const sentAt = Date.now();
    if (inFlight >= 40) {
      // A client pool that is full drops the call, as a load balancer would queue.
      clients.dropped(sentAt);
      return;
    }
    const [path, init] = make();
    inFlight++;
    try {
      const res = await fetch(gateway + path, { ...init, signal: AbortSignal.timeout(10000) });
      const text = await res.text();
      clients.answered(sentAt, res.status, Date.now() - sentAt);
      if (res.status === 201 && path === '/api/orders') {
        const id = (JSON.parse(text) as { id?: number }).id;
        if (typeof id === 'number') orderIds.push(id);
      }
    } catch {
      clients.failed(sentAt);
    } finally {
      inFlight--;
    }
  }

  const timers: NodeJS.Timeout[] = [];
  for (const make of endpoints) {
    const next = () => {
      if (stopped) return;
      const minutes = (Date.now() - t0) / 60000;
      const rate = rps * (1 + 0.25 * Math.sin((2 * Math.PI * minutes) / 7));
      const gap = (-Math.log(1 - rng.next()) / rate) * 1000;
      timers.push(
        setTimeout(() => {
          void fire(make);
          next();
        }, gap),
      );
      if (timers.length > 100) timers.splice(0, 50);
    };
    next();
  }
  return () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
  };
}
