import { defineConfig } from 'tsup';

// The worker is an application, not a library: one ESM build of the server entry.
export default defineConfig({
  entry: ['src/server.ts', 'src/app.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
});
