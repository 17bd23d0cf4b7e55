// Runs dependency-cruiser over the workspace folders that exist, so `pnpm lint` keeps working
// while parts of the layout are still to come.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Tests, benches and evals too, so the rules that apply to them hold there (tests may import what
// they test). `packages` covers each package's src/, test/ and bench/.
const dirs = [
  'packages',
  'backend/src',
  'backend/test',
  'backend/bench',
  'backend/eval',
  'backend/dashboard/src',
  'worker/src',
  'worker/test',
  'worker/bench',
  'worker/eval',
  'examples',
  'bench',
].filter((d) => existsSync(d));
const r = spawnSync('pnpm', ['exec', 'depcruise', '--config', '.dependency-cruiser.cjs', ...dirs], {
  stdio: 'inherit',
  shell: false,
});
process.exit(r.status ?? 1);
