import { defineConfig } from 'vitest/config';

// One `vitest run` at the root runs every package's suite as a project.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'backend/vitest.config.ts', 'worker/vitest.config.ts'],
  },
});
