// Builds the server (server/src → server/dist) and the workspace packages it imports
// (seeds/src → seeds/dist) with tsc. `node bin/build.mjs` (pnpm --filter @vigil/server build)
// builds always; bin/vigil.mjs calls buildIfStale() in production, which builds only when a
// dist is missing or a source or tsconfig changed since the last build.
//
// Each package is compiled into a fresh folder and swapped in afterwards, so a server
// starting meanwhile never imports a half-written dist. Decorators are compiled as tsx
// and vitest compile them (experimentalDecorators, no emitDecoratorMetadata: every
// type-graphql and MikroORM decorator names its type), so built and source runs agree.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(serverDir, '..');
const packages = [join(root, 'seeds'), serverDir];
const STAMP = '.built';

/** Newest modification time (ms) of the files under `path`. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const sourcesOf = (dir) => [
  join(dir, 'src'),
  join(dir, 'tsconfig.json'),
  join(dir, 'tsconfig.build.json'),
  join(root, 'tsconfig.base.json'),
];

/** Why `dir` needs building, or null when its dist is current. */
function staleness(dir) {
  const stamp = join(dir, 'dist', STAMP);
  if (!existsSync(stamp)) return 'not built yet';
  const built = statSync(stamp).mtimeMs;
  return sourcesOf(dir).some((path) => existsSync(path) && newest(path) > built) ? 'sources changed since the last build' : null;
}

function compile(dir) {
  let tsc;
  try {
    tsc = createRequire(join(dir, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    throw new Error(`Cannot build ${dir}: TypeScript is not installed (run npx --yes pnpm@10.34.9 install, with dev dependencies)`);
  }
  const fresh = join(dir, `dist.${process.pid}`);
  rmSync(fresh, { recursive: true, force: true });
  const run = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.build.json'), '--outDir', fresh], { stdio: 'inherit' });
  if (run.status !== 0) {
    rmSync(fresh, { recursive: true, force: true });
    throw new Error(`Building ${dir} failed (tsc exited with ${run.status ?? run.signal})`);
  }
  writeFileSync(join(fresh, STAMP), `${new Date().toISOString()}\n`);
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  renameSync(fresh, join(dir, 'dist'));
}

/** Builds what is missing or stale; says so, with the time it took. */
export function buildIfStale(log, { force = false } = {}) {
  for (const dir of packages) {
    const why = force ? 'build requested' : staleness(dir);
    if (!why) continue;
    const started = Date.now();
    log(`Building ${dir.slice(root.length + 1)}/dist (${why})…`);
    compile(dir);
    log(`  built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildIfStale((line) => console.log(line), { force: !process.argv.includes('--if-stale') });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
