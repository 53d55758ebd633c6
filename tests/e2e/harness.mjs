// Shared set-up for the browser tests: serve the built site (E2E_DIST) on a free loopback port and
// drive Debian's chromium with playwright-core. Each page records console errors, page errors and
// every request, so tests can assert "no errors" and "nothing leaves the origin".
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../scripts/static-server.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

export const CHAPTERS = [
  '00-fundamentals', '01-atomic-cluster-expansion', '02-equivariant-neural-networks', '03-mace',
  '04-multi-ace-framework',
];
export const CHAPTER00_WIDGETS = ['rotation', 'sh-explorer', 'equivariance', 'clebsch-gordan'];

/** Start the server and the browser once per test file. */
export async function openSite() {
  const dist = process.env.E2E_DIST ?? path.resolve('target/e2e-dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`no built site in ${dist}: run scripts/test.sh (it builds with trunk first)`);
  }
  const server = await startServer(dist, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'multiace-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  return {
    origin,
    context,
    async close() {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new page that remembers its console errors, page errors and requests. */
export async function newPage(site, options = {}) {
  const page = await site.context.newPage();
  if (options.viewport) await page.setViewportSize(options.viewport);
  page.errors = [];
  page.requests = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  page.on('request', (req) => page.requests.push(req.url()));
  return page;
}

/** True when the canvas holds more than one colour (something was drawn). */
export async function canvasIsDrawn(locator) {
  return locator.evaluate((canvas) => {
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return false;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 7) {
      seen.add(`${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`);
      if (seen.size > 8) return true;
    }
    return false;
  });
}
