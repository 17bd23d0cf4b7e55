import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

// No React plugin: Vite's own transform (oxc) compiles TSX with React's automatic runtime, which
// is all a production build needs; fast refresh is not worth a dependency here. Tailwind CSS v4
// compiles src/styles.css, generating the utilities the sources use.
export default defineConfig({
  plugins: [tailwindcss()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    target: 'es2022',
    // The budget check reads the manifest to find what the first page loads.
    manifest: true,
    // Evergreen browsers support modulepreload; the polyfill would cost bytes on every page.
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `pnpm dev` against a backend on its default port: same-origin API through the proxy.
    proxy: { '/api': 'http://127.0.0.1:3001' },
  },
});
