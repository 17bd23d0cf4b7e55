import { defineProject } from 'vitest/config';

export default defineProject({
  // The end-to-end tests start the real backend and child processes.
  test: { name: 'otel', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});
