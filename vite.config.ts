// The web app (src/web) built into dist/web, which the server serves (src/server/web). In
// development (`npm run dev`), Vite serves the app with hot reload and forwards the API to the
// WeBox server.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev` runs the WeBox server that Vite forwards /api to. */
const apiTarget = process.env.WEBOX_DEV_API ?? 'http://localhost:3000';

export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': {
        target: apiTarget,
        changeOrigin: true,
        // better-auth checks the Origin header against WEBOX_PUBLIC_URL: present the request
        // as coming from the server's own origin.
        configure(proxy) {
          proxy.on('proxyReq', (request) => request.setHeader('origin', apiTarget));
        },
      },
    },
  },
});
