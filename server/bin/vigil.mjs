// The `vigil` command's entry (plain JavaScript, so it runs before anything is compiled).
//
// Production (VIGIL_ENV=production) runs the built JavaScript in server/dist, built first
// when missing or older than its sources (bin/build.mjs), with NODE_ENV=production set
// before anything imports graphql-js: graphql reads NODE_ENV once, when it is loaded, and
// otherwise runs its development-mode checks on every value it resolves (a fifth of the
// CPU of a 500-incident page). Elsewhere it runs the TypeScript sources through tsx, so
// a change shows at the next start without a build.
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

if (process.env.VIGIL_ENV === 'production') {
  process.env.NODE_ENV = 'production';
  const { buildIfStale } = await import('./build.mjs');
  buildIfStale((line) => console.log(line));
  // Workspace packages export their TypeScript sources; the built server imports their builds.
  register('./resolve-built.mjs', import.meta.url);
  await import('../dist/cli.js');
} else {
  // The server's tsconfig (legacy decorators) whatever the working directory.
  process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  await import('tsx');
  await import('../src/cli.ts');
}
