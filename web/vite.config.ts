import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `pnpm dev` in server/ listens here; the dev server forwards the API to it, WebSocket subscriptions included.
const apiTarget = 'http://localhost:4000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/graphql': { target: apiTarget, ws: true, changeOrigin: true },
      '/healthz': { target: apiTarget, changeOrigin: true },
    },
  },
  // The workspace's shared helpers are CommonJS; the dev server turns them into a module once, as it does for
  // dependencies from the registry (the production build handles CommonJS by itself).
  optimizeDeps: { include: ['@shiplog/shared'] },
  build: {
    target: 'es2022',
  },
});
