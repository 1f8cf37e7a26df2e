// `npm start`: install, build the dashboard if its sources changed, start `vigil demo`,
// saying how long each slow step took, so a first start (a minute or so) is never a
// silent wait. Plain Node.js with no dependencies: it runs before anything is installed.
//   node scripts/start.mjs [--no-install]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const PNPM = ['--yes', 'pnpm@10.34.9'];
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function step(what, work) {
  const begun = Date.now();
  console.log(`[npm start] ${what}…`);
  const result = work();
  if (result.status !== 0) {
    console.error(`[npm start] ${what} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  console.log(`[npm start]   done in ${seconds(begun)}`);
}

/** Newest modification time (ms) of the files under `path`, leaving out installed and built folders. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

/** The dashboard is built from client/, the operation documents in schema/, the ward boundaries in seeds/data, and the locked dependencies. */
function dashboardStale() {
  const built = join(root, 'client/dist/index.html');
  if (!existsSync(built)) return true;
  const sources = ['client', 'schema', 'seeds/data', 'pnpm-lock.yaml'].map((p) => newest(join(root, p)));
  return Math.max(...sources) > statSync(built).mtimeMs;
}

if (!process.argv.includes('--no-install'))
  step('Installing dependencies (pnpm install --frozen-lockfile)', () =>
    spawnSync(npx, [...PNPM, 'install', '--frozen-lockfile'], { cwd: root, stdio: 'inherit' }),
  );
if (dashboardStale())
  step('Building the dashboard (vite build)', () =>
    spawnSync(npx, [...PNPM, '--filter', '@vigil/client', 'build'], { cwd: root, stdio: 'inherit' }),
  );
else console.log('[npm start] The dashboard is up to date (client/dist).');

// `vigil demo`, told when npm start began so its "ready" line can say how long it all took.
const vigil = spawn(process.execPath, ['bin/vigil.mjs', 'demo'], {
  cwd: join(root, 'server'),
  stdio: 'inherit',
  env: { ...process.env, VIGIL_START_STARTED_AT: String(started) },
});
// Vigil stops itself cleanly on SIGINT/SIGTERM (and says so for repeats): pass them on and wait for it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => vigil.kill(signal));
vigil.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
