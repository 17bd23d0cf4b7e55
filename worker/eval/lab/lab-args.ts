/** Command line of `pnpm eval:lab`. */
import { FAULT_KINDS, type FaultKind } from './faults.js';

/** Parsed options of the lab. */
export interface LabArgs {
  record: boolean;
  name: string;
  faultMinutes: number;
  gapMinutes: number;
  warmupMinutes: number;
  only: FaultKind[];
  seed: number;
  rps: number;
}

/** Parses argv (without node and the script); throws on an unknown flag or kind. */
export function parseLabArgs(argv: string[]): LabArgs {
  const out: LabArgs = {
    record: false,
    name: 'lab-1',
    faultMinutes: 3,
    gapMinutes: 2,
    warmupMinutes: 2,
    only: [...FAULT_KINDS],
    seed: 7,
    rps: 2,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = (): number => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${a} needs a non-negative number`);
      return n;
    };
    if (a === '--') continue;
    else if (a === '--record') out.record = true;
    else if (a === '--name') out.name = value();
    else if (a === '--fault-minutes') out.faultMinutes = num();
    else if (a === '--gap-minutes') out.gapMinutes = num();
    else if (a === '--warmup-minutes') out.warmupMinutes = num();
    else if (a === '--seed') out.seed = num();
    else if (a === '--rps') out.rps = num();
    else if (a === '--only') {
      const kinds = value().split(',').filter(Boolean);
      for (const k of kinds) {
        if (!(FAULT_KINDS as readonly string[]).includes(k)) throw new Error(`unknown fault kind: ${k}`);
      }
      out.only = kinds as FaultKind[];
    } else throw new Error(`unknown option: ${a}`);
  }
  if (!/^[\w.-]+$/.test(out.name)) throw new Error('--name may hold letters, digits, ".", "_" and "-" only');
  return out;
}
