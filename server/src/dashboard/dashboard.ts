import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Express } from 'express';
import { repoRoot } from '../config.js';

/** Where `vite build` puts the dashboard, and where its sources are. */
export const defaultClientDir = join(repoRoot, 'client/dist');
const clientSources = join(repoRoot, 'client');

export type DashboardState = { ready: true } | { ready: false; reason: string };

const BUILD_COMMAND = 'npx pnpm@10.34.9 --filter @vigil/client build';

export function dashboardState(clientDir: string): DashboardState {
  return existsSync(join(clientDir, 'index.html'))
    ? { ready: true }
    : { ready: false, reason: `${clientDir} holds no built dashboard (build it with \`${BUILD_COMMAND}\`)` };
}

/**
 * Builds the dashboard when it is missing and its sources are here (a fresh clone run with
 * `vigil serve` rather than `npm start`), with the Vite the workspace installed. About ten
 * seconds, once. Says what it does; a failed build leaves the API running without it.
 */
export function buildDashboardIfMissing(clientDir: string, log: (line: string) => void): DashboardState {
  const state = dashboardState(clientDir);
  if (state.ready || clientDir !== defaultClientDir) return state;
  let vite: string;
  try {
    vite = join(dirname(createRequire(join(clientSources, 'package.json')).resolve('vite/package.json')), 'bin/vite.js');
  } catch {
    return { ready: false, reason: `${state.reason}; Vite is not installed, so it cannot be built here` };
  }
  log('Building the dashboard (client/dist is missing)…');
  const build = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: clientSources, stdio: 'inherit' });
  if (build.status !== 0) return { ready: false, reason: `${state.reason}; building it failed (exit ${build.status ?? build.signal})` };
  return dashboardState(clientDir);
}

/**
 * The dashboard at / (and every path the browser routes), or, when there is none, a page
 * at / saying so and how to build it: never a bare "Cannot GET /".
 */
export function serveDashboard(app: Express, clientDir: string): DashboardState {
  const state = dashboardState(clientDir);
  if (state.ready) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!graphql|health).*/, (_req, res) => res.sendFile(join(clientDir, 'index.html')));
  } else {
    app.get('/', (_req, res) => {
      res
        .status(503)
        .type('html')
        .send(
          `<!doctype html><html lang="en-GB"><meta charset="utf-8"><title>Vigil: no dashboard</title><body style="font-family:system-ui;max-width:40em;margin:3em auto;line-height:1.5"><h1>Vigil is running, without its dashboard</h1><p>There is no dashboard to serve: ${escapeHtml(state.reason)}. Then restart Vigil.</p><p>The API answers at <a href="/graphql">/graphql</a>.</p></body></html>`,
        );
    });
  }
  return state;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
