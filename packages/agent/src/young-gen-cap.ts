import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { flagGiven } from './heap-tuning.js';

/**
 * The young generation (both semi-spaces) the agent lets V8 grow to, in MiB. V8 grows it to 32 MiB on
 * Node 20 when much of it survives, which the agent's lines do (each lives until its batch is
 * acknowledged); at 16 MiB the bench's peak RSS falls by ~12 MB with no measurable CPU cost, at 8 MiB
 * scavenges get frequent enough to cost ~15% more CPU.
 */
export const YOUNG_GENERATION_CAP_MB = 16;
const CHECK_MS = 50;

/** What {@link capYoungGeneration} reads and sets; tests pass their own. */
export interface YoungGenerationHooks {
  newSpaceBytes(): number;
  setFlags(flags: string): void;
  setInterval(fn: () => void, ms: number): { unref(): void };
}

const v8Hooks: YoungGenerationHooks = {
  newSpaceBytes: () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0,
  setFlags: setFlagsFromString,
  setInterval: (fn, ms) => setInterval(fn, ms),
};

/**
 * Holds the young generation at {@link YOUNG_GENERATION_CAP_MB}, unless the user sized it already
 * (`--max-semi-space-size` in `execArgv` or `NODE_OPTIONS`). The size limit itself is fixed when the heap
 * is set up, so this steers growth instead: V8 reads `--semi-space-growth-factor` each time it grows the
 * young generation, so the factor is 1 (no growth) while the cap is reached and V8's own 2 below it
 * (V8 also shrinks it when allocation slows, and it may then grow back). Returns whether it is on.
 *
 * @example
 * capYoungGeneration(process.execArgv, process.env.NODE_OPTIONS);
 */
export function capYoungGeneration(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
  hooks: YoungGenerationHooks = v8Hooks,
): boolean {
  if (flagGiven(/semi[-_]space/, execArgv, nodeOptions)) return false;
  const cap = YOUNG_GENERATION_CAP_MB * 1024 * 1024;
  let capped = false;
  const check = () => {
    const atCap = hooks.newSpaceBytes() >= cap;
    if (atCap === capped) return;
    capped = atCap;
    hooks.setFlags(`--semi-space-growth-factor=${atCap ? 1 : 2}`);
  };
  check();
  hooks.setInterval(check, CHECK_MS).unref();
  return true;
}
