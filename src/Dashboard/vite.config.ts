import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The fluidManager Api of `scripts/run.sh` listens here; `npm run dev` forwards backend routes to it.
const apiOrigin = process.env.FLUID_API_ORIGIN ?? 'http://127.0.0.1:5080';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    // The Api copies and serves this folder (src/Dashboard/dist).
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': apiOrigin,
      '/health': apiOrigin,
      '/hubs': { target: apiOrigin, ws: true },
      '/orleans': apiOrigin,
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
