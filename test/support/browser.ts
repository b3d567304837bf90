import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { ServerProcess } from './server.js';

/** Debian's chromium (CHROMIUM_PATH overrides), headless, with nothing reaching beyond the test's server. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A page of the server signed in with a token (stored, then a reload so the page reads it), open at a
 * view; console errors and page errors go to `errors`, prefixed with `label`.
 */
export async function signedInPage(
  browser: Browser,
  server: ServerProcess,
  token: string,
  hash: string,
  options: { errors?: string[]; label?: string; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1440, height: 900 } });
  const prefix = options.label ? `${options.label}: ` : '';
  page.on('console', (m) => m.type() === 'error' && options.errors?.push(`${prefix}${m.text()}`));
  page.on('pageerror', (e) => options.errors?.push(`${prefix}${e.message}`));
  await page.goto(server.url);
  await page.evaluate((t) => localStorage.setItem('fuju.token', t), token);
  await page.goto(`${server.url}/${hash}`);
  await page.reload();
  return page;
}

/** The embedded stack with the demo data set, projected, and a browser for it; screenshots go under `shots`. */
export async function demoInBrowser(shots: string): Promise<{ server: ServerProcess; browser: Browser }> {
  mkdirSync(shots, { recursive: true });
  const server = await ServerProcess.start({ env: { DEMO: 'on' } });
  await server.waitForProjection();
  return { server, browser: await launchChromium() };
}
