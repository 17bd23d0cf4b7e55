import { defineConfig } from 'vitest/config';

// `pnpm test:faults`: the fault-injection suite (issue #10). Its files are named *.faults.ts so the
// default `vitest run` (test/**/*.test.ts) never picks them up; they run once, in their own CI step,
// one file at a time because each starts its own processes and the machine has two cores.
export default defineConfig({
  test: {
    name: 'backend-faults',
    include: ['test/faults/**/*.faults.ts'],
    globalSetup: ['test/faults/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
