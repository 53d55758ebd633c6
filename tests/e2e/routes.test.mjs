// Every route loads, survives a reload, logs no error, and requests nothing outside the origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSite, newPage, CHAPTERS, CHAPTER00_WIDGETS } from './harness.mjs';

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

const routes = () => [
  ['/', 'main'],
  ...CHAPTERS.map((slug) => [`/chapter/${slug}`, `article.chapter[data-slug="${slug}"]`]),
  ['/embed', 'main'],
  ...CHAPTER00_WIDGETS.map((name) => [`/embed/${name}`, `.widget[data-widget="${name}"]`]),
];

test('every route loads with no console error and no request leaving the origin', async () => {
  for (const [route, selector] of routes()) {
    const page = await newPage(site);
    await page.goto(site.origin + route);
    await page.waitForSelector(selector, { timeout: 15000 });
    await page.reload();
    await page.waitForSelector(selector, { timeout: 15000 });
    await page.waitForTimeout(300);
    assert.deepEqual(page.errors, [], `errors on ${route}`);
    const foreign = page.requests.filter((url) => !url.startsWith(site.origin) && !/^(data|blob):/.test(url));
    assert.deepEqual(foreign, [], `requests leaving the origin from ${route}`);
    await page.close();
  }
});

test('the page carries a Content-Security-Policy that keeps scripts to the origin', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/chapter/00-fundamentals`);
  await page.waitForSelector('article.chapter');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/);
  assert.deepEqual(page.errors, [], 'the policy blocked something the page needs');
  await page.close();
});

test('the table of contents lists every chapter and previous/next links work', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/chapter/00-fundamentals`);
  await page.waitForSelector('article.chapter');
  for (const slug of CHAPTERS) {
    assert.ok(await page.locator(`nav a[href$="/chapter/${slug}"]`).count() > 0, `toc link to ${slug}`);
  }
  await page.locator('a[rel="next"]').first().click();
  await page.waitForSelector('article.chapter[data-slug="01-atomic-cluster-expansion"]');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('chapter 00 renders its math as MathML without errors', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/chapter/00-fundamentals`);
  await page.waitForSelector('article.chapter math');
  assert.ok(await page.locator('article.chapter math').count() > 20, 'many formulas');
  assert.equal(await page.locator('article.chapter merror').count(), 0);
  const text = await page.locator('article.chapter').innerText();
  assert.ok(!text.includes('&nbsp;'), 'no double-escaped spaces');
  await page.close();
});

test('a phone-width screen has no horizontal scrolling', async () => {
  const page = await newPage(site, { viewport: { width: 390, height: 844 } });
  await page.goto(`${site.origin}/chapter/00-fundamentals`);
  await page.waitForSelector('article.chapter');
  await page.waitForTimeout(500);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
  await page.close();
});

test('routes with a trailing slash (static hosts redirect to them) still render', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/chapter/00-fundamentals/`);
  await page.waitForSelector('article.chapter[data-slug="00-fundamentals"]', { timeout: 15000 });
  await page.goto(`${site.origin}/embed/sh-explorer/?l=3&m=-2`);
  const label = page.locator('[data-testid=sh-lm]');
  await label.waitFor({ timeout: 15000 });
  assert.equal(await label.getAttribute('data-l'), '3');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an unknown route shows a not-found page, not a crash', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/no/such/page`);
  await page.waitForSelector('body :text-matches("not found", "i")', { timeout: 15000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a loading message is painted before the wasm of an app page arrives, and removed once the app mounts', async () => {
  const page = await newPage(site);
  // Earlier tests left a service worker, whose fetches page.route cannot hold: remove it first.
  await page.goto(`${site.origin}/`);
  await page.evaluate(async () => {
    const regs = await navigator.serviceWorker?.getRegistrations() ?? [];
    await Promise.all(regs.map((r) => r.unregister()));
  });
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  // Chapters are static pages with no loading screen (delivery.test.mjs); the catalogue is the app's.
  await page.goto(`${site.origin}/embed`, { waitUntil: 'domcontentloaded' });
  const shell = page.locator('#loading');
  await shell.waitFor({ state: 'visible' });
  assert.match(await shell.innerText(), /Loading the book/);
  assert.equal(await shell.getAttribute('role'), 'status');
  release();
  await page.waitForSelector('.catalogue-item', { timeout: 15000 });
  assert.equal(await page.locator('#loading').count(), 0, 'the loading message outlives the mount');
  assert.deepEqual(page.errors, []);
  await page.close();
});
