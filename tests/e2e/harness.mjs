// Shared set-up for the browser tests: serve the built site (E2E_DIST) on a free loopback port and
// drive Debian's chromium with playwright-core. Each page records console errors, page errors and
// every request, so tests can assert "no errors" and "nothing leaves the origin".
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
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
  '04-multi-ace-framework', '05-conventions',
];
export const CHAPTER00_WIDGETS = ['rotation', 'sh-explorer', 'equivariance', 'clebsch-gordan'];

/** Start the server and the browser once per test file; `serverOptions` (e.g. `{ base }`) go to
 * the static server, for a build made with `--public-url`. */
export async function openSite(dist = process.env.E2E_DIST ?? path.resolve('target/e2e-dist'), serverOptions = {}) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`no built site in ${dist}: run scripts/test.sh (it builds with trunk first)`);
  }
  const server = await startServer(dist, 0, serverOptions);
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

/** The built site on a free loopback port and a plain browser, for tests that make their own
 * contexts (JavaScript off, CSP bypassed for axe). */
export async function serveWithBrowser(dist = process.env.E2E_DIST ?? path.resolve('target/e2e-dist')) {
  const server = await startServer(dist, 0, {});
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
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

/**
 * On a chapter page each widget mounts when its placeholder comes near the viewport
 * (src/islands.rs): scroll through the placeholders until every widget is live, then back to the
 * top. No-op on other pages.
 */
export async function mountWidgets(page) {
  const slots = page.locator('.widget-slot');
  const n = await slots.count();
  for (let i = 0; i < n; i++) {
    const slot = slots.nth(i);
    await slot.scrollIntoViewIfNeeded();
    await slot.locator('.widget[data-widget]').waitFor({ timeout: 20000 });
  }
  if (n) await page.evaluate(() => window.scrollTo(0, 0));
}

/**
 * Opens `route`, waits for `ready` inside the widget `sel` and checks what every widget owes its
 * reader: each canvas drawn, no notice, no error shown, no console error. `extra(page, widget)`
 * adds a widget's own checks once it is ready.
 */
export async function assertWidgetRendersCleanly(site, { name, sel, ready, route, extra }) {
  const page = await newPage(site);
  await page.goto(site.origin + route);
  await mountWidgets(page);
  const widget = page.locator(sel);
  await widget.first().scrollIntoViewIfNeeded({ timeout: 15000 });
  await page.waitForSelector(`${sel} ${ready}`, { timeout: 20000 });
  if (extra) await extra(page, widget);
  for (const canvas of await widget.locator('canvas').all()) {
    await page.waitForFunction((c) => c.hasAttribute('data-draws'), await canvas.elementHandle(), { timeout: 15000 });
    assert.ok(await canvasIsDrawn(canvas), `a ${name} canvas is blank on ${route}`);
  }
  assert.equal(await widget.locator('.widget-notice').count(), 0, `notices on ${route}`);
  assert.equal(await widget.locator('.widget-error').count(), 0, `errors shown on ${route}`);
  assert.deepEqual(page.errors, [], `errors on ${route}`);
  await page.close();
}
