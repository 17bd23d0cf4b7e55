import { defineConfig } from 'tsup';

export default defineConfig({
  // `edge` is the entry for Workers, Vercel Edge and Deno: the same core with the web runtime. Code
  // splitting puts the shared core in chunks both entries import; the core loads no Node built-in, so
  // those chunks don't either (test/edge-entry.test.ts reads the built files to make sure).
  entry: { index: 'src/index.ts', edge: 'src/edge.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  // Unminified output reads as it is in a stack trace; maps would triple the tarball.
  sourcemap: false,
  clean: true,
  target: 'node20',
});
