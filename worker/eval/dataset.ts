/**
 * The labelled evaluation set, generated from a seed: for each healthy profile and instance, a warm-up
 * history that builds the project's baseline through the real scorer, then held-out windows, healthy
 * (including alarming-looking variants) and with each incident kind, scored against that baseline.
 */
import type { Baseline, LogRecord } from '@cloudsage/schema';
import { scoreWindow } from '../src/score/score-window.js';
import {
  HEALTHY_VARIANTS,
  type HealthyVariant,
  healthyWindow,
  INCIDENT_KINDS,
  type IncidentKind,
  incidentWindow,
} from './incidents.js';
import { Rng } from './prng.js';
import { PROFILES, type Profile } from './profiles.js';

/** One held-out window with its ground truth. */
export interface Case {
  profile: string;
  /** Incident kind, or the healthy variant. */
  kind: IncidentKind | HealthyVariant;
  incident: boolean;
  logs: LogRecord[];
  from: string;
  to: string;
  baseline: Baseline | undefined;
}

/** Sizes of the set. */
export interface DatasetOptions {
  seed: number;
  instances: number;
  warmup: number;
  healthyPerVariant: Record<HealthyVariant, number>;
  perKind: number;
}

/** The default set: 4 profiles x 3 instances, 60 warm-up windows, 28 healthy and 20-24 incident windows each. */
export const DEFAULT_OPTIONS: DatasetOptions = {
  seed: 20260101,
  instances: 3,
  warmup: 60,
  healthyPerVariant: { normal: 16, 'traffic-peak': 4, 'rolling-deploy': 4, 'error-blip': 4 },
  perKind: 4,
};

const START = Date.parse('2026-01-05T00:00:00.000Z');
const MINUTE = 60_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Kinds that make sense for a profile, and the window index they need. */
function kindsFor(p: Profile): IncidentKind[] {
  return INCIDENT_KINDS.filter((k) => p.steadyVolume || k !== 'traffic-drop');
}

/** Generates the cases of one profile instance; the warm-up runs through the real scorer. */
export function* profileCases(p: Profile, rng: Rng, o: DatasetOptions): Generator<Case> {
  let baseline: Baseline | undefined;
  let index = 0;
  for (; index < o.warmup; index++) {
    const from = START + index * MINUTE;
    // A realistic history has the odd deploy and peak in it too.
    const variant: HealthyVariant = rng.chance(0.05)
      ? rng.pick(['traffic-peak', 'rolling-deploy', 'error-blip'] as const)
      : 'normal';
    const logs = healthyWindow(variant, p, rng, index, from);
    baseline = scoreWindow({
      projectId: p.name,
      logs,
      metadata: { window: { from: iso(from), to: iso(from + MINUTE) }, baseline },
    }).baseline;
  }
  const frozen = baseline;
  const make = (
    kind: Case['kind'],
    incident: boolean,
    logs: (i: number, from: number) => LogRecord[],
    busy: boolean,
  ): Case => {
    // Cron incidents that only show while the job runs are placed on a run minute.
    if (busy && !p.steadyVolume) while (index % 5 !== 0) index++;
    const from = START + index * MINUTE;
    const c: Case = {
      profile: p.name,
      kind,
      incident,
      logs: logs(index, from),
      from: iso(from),
      to: iso(from + MINUTE),
      baseline: frozen,
    };
    index++;
    return c;
  };
  for (const variant of HEALTHY_VARIANTS) {
    for (let i = 0; i < o.healthyPerVariant[variant]; i++) {
      yield make(variant, false, (ix, from) => healthyWindow(variant, p, rng, ix, from), false);
    }
  }
  for (const kind of kindsFor(p)) {
    const busy = kind === 'latency-creep' || kind === 'memory-leak';
    for (let i = 0; i < o.perKind; i++) {
      yield make(kind, true, (ix, from) => incidentWindow(kind, p, rng, ix, from), busy);
    }
  }
}

/** Every case of the set, deterministic for a seed. */
export function* dataset(o: DatasetOptions = DEFAULT_OPTIONS): Generator<Case> {
  for (let pi = 0; pi < PROFILES.length; pi++) {
    for (let inst = 0; inst < o.instances; inst++) {
      yield* profileCases(PROFILES[pi]!, new Rng(o.seed + 7919 * pi + 104729 * inst), o);
    }
  }
}
