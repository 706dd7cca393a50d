/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { API_CACHE, OFFLINE_READS } from './src/apicache';

// The backend serves dist/ at `/`, on the same origin as the API (`/api/v1`).
const backend = process.env.JIUZAI_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [
    VitePWA({
      registerType: 'autoUpdate',
      // A registerSW.js file, not an inline script: the CSP allows scripts from 'self' only.
      injectRegister: 'script',
      includeAssets: ['favicon.svg'],
      manifest: {
        name: '九江市救灾物资与灾情管理',
        short_name: '九江救灾',
        description: 'Disaster-relief logistics: loss reports, depots, households',
        lang: 'zh-CN',
        start_url: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1f5f8b',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // The app shell and every lazily loaded screen; maplibre is large but the map is a screen too.
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/metrics/],
        runtimeCaching: [
          {
            // A RegExp, not a function: the rule is written into the worker's source.
            urlPattern: OFFLINE_READS,
            method: 'GET',
            // No network timeout: a slow server's answer is waited for, never swapped for an older copy.
            handler: 'NetworkFirst',
            options: {
              cacheName: API_CACHE,
              expiration: { maxEntries: 400, maxAgeSeconds: 7 * 24 * 3600 },
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      },
    }),
  ],
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
