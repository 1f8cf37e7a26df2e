import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (main) and ESM (module) without an exports map: Node loads
    // the CommonJS copy for type-graphql while Vite would pick the ESM one for our sources,
    // and two copies of graphql cannot share a schema. Point everything at Node's choice.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
    // The default report, then every skipped test with the reason it was skipped.
    reporters: ['default', './support/skip-summary.ts'],
    globalSetup: ['./support/global-setup.ts'],
    setupFiles: ['./support/setup.ts'],
    // Each file gets its own database (a copy of a migrated template), so files run in parallel.
    pool: 'forks',
    maxWorkers: 2,
    // A worker process runs file after file without loading the server's modules again for
    // each (2 s of CPU a file) and lends each file an embedded database it empties after the
    // file before (support/database.ts) instead of booting PostGIS again (3 s). Test files
    // keep no state in shared modules, and every file closes what it starts.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
