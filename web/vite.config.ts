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
  build: {
    target: 'es2022',
  },
});
