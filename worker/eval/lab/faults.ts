/**
 * The fault catalogue: for each kind, how the lab injects it and undoes it, and which service it is
 * labelled with (the service whose process or dependency is broken).
 */

import type { LabRedis } from './datastores.js';
import type { DelayProxy } from './delay-proxy.js';
import type { Supervisor } from './supervisor.js';

/** The fault kinds of the recording format (README). */
export const FAULT_KINDS = [
  'exception',
  'dependency-5xx',
  'wrong-values',
  'dependency-down',
  'latency',
  'cpu',
  'memory-leak-oom',
  'pool-exhaustion',
  'bad-deploy',
  'noisy-batch',
  'partial-5xx',
  'slow-dependency',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What a fault needs to reach. */
export interface LabHandles {
  supervisor: Supervisor;
  redis: LabRedis;
  pgProxy: DelayProxy;
  /** Turns a chaos mode on or off in a running service and in the env of its next restart. */
  chaos(service: string, mode: string, on: boolean): Promise<void>;
}

/** One fault: label fields plus inject/undo. */
export interface Fault {
  kind: FaultKind;
  service: string;
  benign?: true;
  note: string;
  inject(lab: LabHandles): Promise<void>;
  undo(lab: LabHandles): Promise<void>;
}

function chaosFault(kind: FaultKind, service: string, mode: string, note: string): Fault {
  return {
    kind,
    service,
    note,
    inject: (lab) => lab.chaos(service, mode, true),
    undo: (lab) => lab.chaos(service, mode, false),
  };
}

/** The proxy between orders and PostgreSQL delays every chunk `delayMs` each way while it lasts. */
function proxyDelayFault(kind: FaultKind, delayMs: number, note: string): Fault {
  return {
    kind,
    service: 'orders',
    note,
    inject: async (lab) => {
      lab.pgProxy.delayMs = delayMs;
    },
    undo: async (lab) => {
      lab.pgProxy.delayMs = 0;
    },
  };
}

/** Every fault of the lab, one per kind. */
export const FAULTS: Record<FaultKind, Fault> = {
  exception: chaosFault(
    'exception',
    'orders',
    'exception',
    'GET /orders/:id throws TypeError (a refactor reads an unselected field); fastify logs 500 with the stack',
  ),
  'dependency-5xx': chaosFault(
    'dependency-5xx',
    'payments',
    '5xx',
    'payments answers 2 of 3 POST /charge with 503 "fault filter abort" (text); orders fails parsing it as JSON (SyntaxError, 500)',
  ),
  'wrong-values': chaosFault(
    'wrong-values',
    'inventory',
    'wrong-values',
    'inventory answers without priceCents; orders computes NaN and PostgreSQL refuses the insert (22P02)',
  ),
  'dependency-down': {
    kind: 'dependency-down',
    service: 'inventory',
    note: 'Redis stopped (SIGTERM): ioredis connection refused, stock lookups fail with 503',
    inject: (lab) => lab.redis.stop(),
    undo: (lab) => lab.redis.start(),
  },
  latency: proxyDelayFault(
    'latency',
    400,
    'delaying TCP proxy adds 400 ms per chunk each way between orders and PostgreSQL',
  ),
  cpu: chaosFault(
    'cpu',
    'gateway',
    'cpu',
    'busy loop holds the gateway event loop 70 ms of every 100 ms; only slower access logs show it',
  ),
  'memory-leak-oom': chaosFault(
    'memory-leak-oom',
    'payments',
    'leak',
    'payments retains ~1 MiB/s of objects under --max-old-space-size=64: heap-limit crash, supervisor restarts, leaks again',
  ),
  'pool-exhaustion': chaosFault(
    'pool-exhaustion',
    'orders',
    'pool-leak',
    'each POST /orders checks out a pg client and never releases it (Pool max 5): "timeout exceeded when trying to connect"',
  ),
  'bad-deploy': {
    kind: 'bad-deploy',
    service: 'gateway',
    note: 'gateway redeployed as 1.5.0 whose promo parser throws SyntaxError on POST /api/orders; rolled back to 1.4.2',
    inject: (lab) => lab.supervisor.redeploy('gateway', { APP_VERSION: '1.5.0', LAB_CHAOS: 'bad-deploy' }),
    undo: (lab) => lab.supervisor.redeploy('gateway', { APP_VERSION: '1.4.2', LAB_CHAOS: '' }),
  },
  'partial-5xx': chaosFault(
    'partial-5xx',
    'payments',
    '5xx-some',
    'payments answers 1 of 12 POST /charge with 503 "fault filter abort": a partial degradation inside the usual error trickle',
  ),
  'slow-dependency': proxyDelayFault(
    'slow-dependency',
    40,
    'delaying TCP proxy adds 40 ms per chunk each way between orders and PostgreSQL: slower, never failing',
  ),
  'noisy-batch': {
    ...chaosFault('noisy-batch', 'orders', 'batch', 'ledger reconcile job logs ~16 info lines/s, no errors (benign)'),
    benign: true,
  },
};
