import { defineConfig } from 'tsup';

export default defineConfig({
  // The ingest worker is its own file in dist/, loaded by path from the ingest pool.
  entry: { server: 'src/server.ts', app: 'src/app.ts', 'ingest-worker': 'src/services/ingest/ingest-worker.ts' },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
