import { defineConfig } from 'tsup';

// The backtest is compiled on demand by `pnpm eval:forecast` (tsx is not a dependency, and Node 20
// cannot run TypeScript), into eval/dist, which .gitignore's `dist/` keeps out of git.
export default defineConfig({
  entry: { 'forecast-eval': 'eval/forecast-eval.ts' },
  outDir: 'eval/dist',
  format: ['esm'],
  dts: false,
  sourcemap: false,
  clean: true,
  target: 'node20',
  silent: true,
});
