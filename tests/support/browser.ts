import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (Playwright's own browser download does not work on these machines). */
export const chromiumPath = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
/** Why the browser tests cannot run here, or null (support/skips.ts). */
export const noChromium = hasChromium ? null : `no Chromium at ${chromiumPath} (install Debian's chromium or set VIGIL_CHROMIUM)`;

/** The built dashboard the server serves; `pnpm test:all` builds it first. */
export const clientDist = fileURLToPath(new URL('../../client/dist', import.meta.url));

/** Screenshots the tests save, for people to look at (and for the README). */
export const artifactsDir = fileURLToPath(new URL('../artifacts', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(artifactsDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    // As root in a sandbox, without the network: no sandbox, GPU or background traffic.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('app-header').waitFor();
}
