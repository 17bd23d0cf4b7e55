/**
 * The fault switches a lab service honours, chaos-monkey style: the lab turns a mode on or off with
 * `POST /__chaos/<mode>/<on|off>`, and passes the modes that are on to a restarted process in `LAB_CHAOS`
 * (so a memory leak keeps crashing the restarted service until the fault ends).
 */
import { createRequire } from 'node:module';

const active = new Set((process.env.LAB_CHAOS ?? '').split(',').filter(Boolean));
const listeners: Array<(mode: string, on: boolean) => void> = [];

/** Whether a fault mode is on in this process. */
export function chaosOn(mode: string): boolean {
  return active.has(mode);
}

/** Calls `fn` whenever a mode is switched (and once for each mode on at start). */
export function onChaos(fn: (mode: string, on: boolean) => void): void {
  listeners.push(fn);
  for (const m of active) fn(m, true);
}

/** Switches a mode; answers what is on afterwards. */
export function setChaos(mode: string, on: boolean): string[] {
  if (on) active.add(mode);
  else active.delete(mode);
  for (const fn of listeners) fn(mode, on);
  return [...active];
}

/** The settings every lab service reads from its environment. */
export const env = {
  port: Number(process.env.PORT),
  service: process.env.SERVICE_NAME ?? 'unknown',
  version: process.env.APP_VERSION ?? '1.4.2',
  endpoint: process.env.CLOUDSAGE_ENDPOINT ?? 'http://127.0.0.1:1',
  apiKey: process.env.CLOUDSAGE_API_KEY ?? 'csk_lab',
  ordersUrl: process.env.ORDERS_URL ?? '',
  inventoryUrl: process.env.INVENTORY_URL ?? '',
  paymentsUrl: process.env.PAYMENTS_URL ?? '',
  pgUrl: process.env.PG_URL ?? '',
  redisUrl: process.env.REDIS_URL ?? '',
};

const require = createRequire(import.meta.url);
/** Absolute path of the pino transport, so pino's worker thread finds it wherever it starts. */
export const cloudsagePinoTarget = require.resolve('@cloudsage/pino');

/** The `@cloudsage/pino` transport options of a service (short batches: the lab records arrival times). */
export function pinoShipping(): Record<string, unknown> {
  return {
    endpoint: env.endpoint,
    apiKey: env.apiKey,
    service: env.service,
    batch: { maxRecords: 500, maxBytes: 1048576, maxWaitMs: 1000 },
  };
}

/** A busy loop holding the event loop `busyMs` of every `periodMs`: CPU contention inside the process. */
export function startCpuHog(busyMs = 70, periodMs = 100): () => void {
  const t = setInterval(() => {
    const end = Date.now() + busyMs;
    while (Date.now() < end) {
      // spin: this is the fault
    }
  }, periodMs);
  return () => clearInterval(t);
}

/** Retains ~`kbPerTick` KiB of JS objects every `periodMs` until the heap limit kills the process. */
export function startLeak(kbPerTick = 256, periodMs = 250): () => void {
  const kept: unknown[] = [];
  const t = setInterval(() => {
    const n = (kbPerTick * 1024) / 64;
    const chunk = new Array(n);
    for (let i = 0; i < n; i++) chunk[i] = { i, at: Date.now(), tag: `session-${i}` };
    kept.push(chunk);
  }, periodMs);
  return () => {
    clearInterval(t);
    kept.length = 0;
  };
}
