// axe-core on every route of the book, in both themes, with its widgets mounted: no violations.
// The widgets' own interiors are also checked in widgets_figures.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { CHAPTERS, CHROMIUM_ARGS, mountWidgets } from './harness.mjs';
import { startServer } from '../../scripts/static-server.mjs';

const DIST = process.env.E2E_DIST ?? path.resolve('target/e2e-dist');
const ROUTES = [
  '/', '/embed', '/figures', '/print', '/embed/sh-explorer?l=2&m=1', '/embed/mace-md',
  ...CHAPTERS.map((c) => `/chapter/${c}`),
];

let server;
let browser;
let origin;
before(async () => {
  server = await startServer(DIST, 0, {});
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

function axeSource() {
  if (process.env.AXE_CORE_JS) return fs.readFileSync(process.env.AXE_CORE_JS, 'utf8');
  const require = createRequire(path.resolve('package.json'));
  return fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
}

for (const theme of ['light', 'dark']) {
  test(`axe-core finds nothing on any route (${theme} theme)`, async () => {
    const axe = axeSource();
    // the site's CSP refuses an injected script: this context bypasses it
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 }, colorScheme: theme });
    const problems = [];
    for (const route of ROUTES) {
      const page = await context.newPage();
      await page.goto(origin + route);
      await page.waitForSelector('main', { timeout: 20000 });
      await mountWidgets(page);
      await page.waitForTimeout(300);
      await page.addScriptTag({ content: axe });
      const found = await page.evaluate(async () => (await window.axe.run(document)).violations
        .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`));
      problems.push(...found.map((f) => `${route}: ${f}`));
      await page.close();
    }
    await context.close();
    assert.deepEqual(problems, []);
  });
}
