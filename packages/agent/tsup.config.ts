import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library surface, for programmatic use and type imports.
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // Unminified output reads as it is in a stack trace; maps would triple the tarball.
    sourcemap: false,
    clean: true,
    target: 'node20',
  },
  {
    // The `cloudsage` bin: ESM only, with a shebang.
    entry: ['src/cli.ts'],
    format: ['esm'],
    // Unminified output reads as it is in a stack trace; maps would triple the tarball.
    sourcemap: false,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
