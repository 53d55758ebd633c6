// axe-core on every route of the book, in both themes, with its widgets mounted: no violations.
// The widgets' own interiors are also checked in widgets_figures.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CHAPTERS, mountWidgets, serveWithBrowser } from './harness.mjs';

const ROUTES = [
  '/', '/embed', '/figures', '/print', '/embed/sh-explorer?l=2&m=1', '/embed/mace-md',
  ...CHAPTERS.map((c) => `/chapter/${c}`),
];

let served;
let origin;
let browser;
before(async () => {
  served = await serveWithBrowser();
  ({ origin, browser } = served);
});
after(async () => { await served?.close(); });

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
