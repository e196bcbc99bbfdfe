import { defineConfig } from 'vite';

// The C++ server (`aegis serve --web web/dist`) serves the build output as static files, same
// origin as /api/v1. During `npm run dev`, set AEGIS_API (default http://127.0.0.1:8080) to proxy
// API calls to a running server.
const api = process.env.AEGIS_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': { target: api, changeOrigin: false } },
  },
});
