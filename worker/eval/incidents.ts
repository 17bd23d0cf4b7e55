/**
 * The incident kinds the evaluation mixes into healthy windows, each with a random intensity, and the
 * healthy-but-alarming variants (a traffic peak, a rolling deploy) that must score low.
 */
import type { LogRecord } from '@cloudsage/schema';
import type { Rng } from './prng.js';
import { type Knobs, NORMAL, type Profile } from './profiles.js';

/** Incident kinds, as reported per row of the AUC table. */
export const INCIDENT_KINDS = [
  'error-burst',
  'latency-creep',
  'memory-leak',
  'traffic-drop',
  'new-exception',
  'crash-loop',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/**
 * Healthy variants that look alarming to a naive counter: a traffic peak, a rolling deploy (SIGTERM and
 * a restart), and a blip of the service's own usual errors bunched into one minute.
 */
export const HEALTHY_VARIANTS = ['normal', 'traffic-peak', 'rolling-deploy', 'error-blip'] as const;
export type HealthyVariant = (typeof HEALTHY_VARIANTS)[number];

const MINUTE = 60_000;

function at(from: number, frac: number): string {
  return new Date(from + Math.floor(frac * (MINUTE - 1))).toISOString();
}

function sorted(records: LogRecord[]): LogRecord[] {
  return records.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

/** A window of `profile` with `kind` happening in it. */
export function incidentWindow(kind: IncidentKind, p: Profile, rng: Rng, index: number, from: number): LogRecord[] {
  const svc = p.service;
  switch (kind) {
    case 'error-burst': {
      const records = p.window(rng, index, from, NORMAL);
      // 1.5-25% of the window's traffic fails with a handful of upstream errors.
      const share = rng.range(0.015, 0.25);
      const n = Math.max(8, Math.round(records.length * share));
      const msgs = [
        () => `Connection to ${rng.ip()}:5432 refused`,
        () => `upstream request to payments failed: ETIMEDOUT after ${rng.int(3000, 5000)}ms`,
        () => `request errored`,
      ];
      for (let i = 0; i < n; i++) {
        const msg = rng.pick(msgs)();
        const attrs =
          msg === 'request errored' ? { res: { statusCode: 503 }, responseTime: rng.int(5, 80) } : undefined;
        const r: LogRecord = { time: at(from, rng.next()), level: 'error', msg, service: svc };
        if (attrs) r.attributes = attrs;
        records.push(r);
      }
      return sorted(records);
    }
    case 'latency-creep': {
      const top = rng.range(1.5, 4);
      const knobs: Knobs = { ...NORMAL, latency: (x) => 1 + (top - 1) * Math.min(1, 0.3 + x) };
      return p.window(rng, index, from, knobs);
    }
    case 'memory-leak': {
      const top = rng.range(1.25, 2.5);
      const records = p.window(rng, index, from, { ...NORMAL, heap: (x) => 1 + (top - 1) * (0.4 + 0.6 * x) });
      if (rng.chance(0.5)) {
        const n = rng.int(2, 12);
        for (let i = 0; i < n; i++) {
          records.push({
            time: at(from, 0.5 + rng.next() / 2),
            level: 'warn',
            msg: `GC overhead: Mark-Compact ${rng.int(400, 2500)}ms, heap ${Math.round(top * 90)}% of limit`,
            service: svc,
          });
        }
      }
      return sorted(records);
    }
    case 'traffic-drop':
      return p.window(rng, index, from, { ...NORMAL, volume: rng.range(0.03, 0.55) });
    case 'new-exception': {
      const records = p.window(rng, index, from, NORMAL);
      const n = rng.int(3, 60);
      const prop = rng.pick(['id', 'email', 'price', 'items']);
      for (let i = 0; i < n; i++) {
        records.push({
          time: at(from, 0.2 + 0.8 * rng.next()),
          level: 'error',
          msg: `TypeError: Cannot read properties of undefined (reading '${prop}')\n    at OrderService.total (/app/dist/orders.js:${rng.int(10, 400)}:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`,
          service: svc,
          attributes: { reqId: rng.uuid() },
        });
      }
      return sorted(records);
    }
    case 'crash-loop': {
      const records = p.window(rng, index, from, { ...NORMAL, volume: rng.range(0.4, 0.9) });
      const cycles = rng.int(1, 8);
      for (let c = 0; c < cycles; c++) {
        const x = (c + 0.5) / cycles;
        records.push({
          time: at(from, x),
          level: 'fatal',
          msg: `uncaughtException: Error: connect ECONNREFUSED ${rng.ip()}:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)`,
          service: svc,
        });
        records.push({ time: at(from, x + 0.01), level: 'error', msg: 'process exited with code 1', service: svc });
        records.push({ time: at(from, x + 0.03), level: 'info', msg: 'Server listening on port 3000', service: svc });
      }
      return sorted(records);
    }
  }
}

/** A healthy window of `profile`, possibly in a variant that alarms naive counters. */
export function healthyWindow(variant: HealthyVariant, p: Profile, rng: Rng, index: number, from: number): LogRecord[] {
  if (variant === 'traffic-peak') return p.window(rng, index, from, { ...NORMAL, volume: rng.range(1.8, 3.2) });
  const records = p.window(rng, index, from, NORMAL);
  if (variant === 'error-blip') {
    // A few more of the errors and warnings this service always logs (a retried dependency hiccup).
    const usual = records.filter((r) => r.level === 'warn' || r.level === 'error');
    const extra = usual.length === 0 ? 0 : rng.int(2, 6);
    for (let i = 0; i < extra; i++) records.push({ ...rng.pick(usual), time: at(from, rng.next()) });
  }
  if (variant === 'rolling-deploy') {
    // One graceful restart: SIGTERM, drain, start. Normal on every deploy.
    records.push({
      time: at(from, 0.4),
      level: 'info',
      msg: 'SIGTERM received, draining connections',
      service: p.service,
    });
    records.push({ time: at(from, 0.42), level: 'info', msg: 'Server listening on port 3000', service: p.service });
  }
  return sorted(records);
}
