import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  // Unminified output reads as it is in a stack trace; maps would triple the tarball.
  sourcemap: false,
  clean: true,
  target: 'node20',
  // `import.meta.url` in the CJS build, for loading the optional @opentelemetry/api peer.
  shims: true,
});
