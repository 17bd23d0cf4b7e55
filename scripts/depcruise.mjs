// Runs dependency-cruiser over the workspace folders that exist, so `pnpm lint` keeps working
// while parts of the layout are still to come.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const dirs = ['packages', 'backend/src', 'backend/dashboard/src', 'worker/src', 'examples'].filter((d) =>
  existsSync(d),
);
const r = spawnSync('pnpm', ['exec', 'depcruise', '--config', '.dependency-cruiser.cjs', ...dirs], {
  stdio: 'inherit',
  shell: false,
});
process.exit(r.status ?? 1);
