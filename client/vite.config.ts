import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API and the dashboard share one origin in production (the server serves client/dist),
// so in development the Vite server forwards the API paths to a locally running `vigil serve`.
const api = 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/graphql': { target: api, ws: true },
      '/health': { target: api },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The app chunk carries the ward boundaries (the base map, ~120 kB of GeoJSON): it is meant to.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      // Libraries change less often than the app: separate files stay cached across releases.
      output: {
        manualChunks: {
          react: ['react', 'react-dom'],
          leaflet: ['leaflet', 'react-leaflet', '@react-leaflet/core'],
          graphql: ['graphql', 'graphql-ws'],
        },
      },
    },
  },
});
