/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The backend serves dist/ at `/`, on the same origin as the API (`/api/v1`).
const backend = process.env.JIUZAI_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // maplibre-gl is one large module; it is loaded lazily with the map screen.
    chunkSizeWarningLimit: 1500,
    // Keep everything in files: the CSP has no 'unsafe-inline' for scripts.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/metrics': { target: backend, changeOrigin: false },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
