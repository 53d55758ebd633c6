// Code splitting: each pre-rendered page downloads only the wasm bundle of the widgets it shows
// (crates/site/src/bundles.rs, src/bundles/*.rs), and only once the reader needs it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openSite, newPage } from './harness.mjs';

const DIST = process.env.E2E_DIST ?? path.resolve('target/e2e-dist');
let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

/** The bundle names (`so3`, …) and the whole app's wasm among a page's requests. */
const wasmOf = (requests) => requests.filter((u) => u.endsWith('.wasm')).map((u) => {
  const bundle = u.match(/\/bundles\/([a-z0-9]+)-[0-9a-f]{16}_bg\.wasm$/);
  return bundle ? bundle[1] : `app:${path.basename(u)}`;
});

/** A page with no service worker (its precache would add requests of its own). It starts on
 * the appendix, which fetches no wasm by itself (the catalogue's live previews would: a late
 * request of theirs landed in the next page's list). */
async function freshPage(options) {
  const page = await newPage(site, options);
  await page.goto(`${site.origin}/chapter/05-conventions`);
  await page.evaluate(async () => {
    const regs = await navigator.serviceWorker?.getRegistrations() ?? [];
    await Promise.all(regs.map((r) => r.unregister()));
  });
  page.requests.length = 0;
  return page;
}

const PAGES = [
  ['chapter/00-fundamentals', 'so3', 'rotation'],
  ['chapter/01-atomic-cluster-expansion', 'ace', 'radial-basis'],
  ['chapter/02-equivariant-neural-networks', 'networks', 'gate'],
  ['chapter/03-mace', 'mace', 'mace-energy'],
  ['chapter/04-multi-ace-framework', 'multiace', 'design-space'],
  ['embed/sh-explorer?l=3&m=-2', 'so3', 'sh-explorer'],
  ['embed/mace-md', 'mace', 'mace-md'],
  ['embed/irreps-calculator', 'networks', 'irreps-calculator'],
];

for (const [route, bundle, widget] of PAGES) {
  test(`${route} downloads only the ${bundle} bundle`, async () => {
    const page = await freshPage();
    await page.goto(`${site.origin}/${route}`);
    const live = page.locator(`.widget[data-widget="${widget}"]`);
    await page.locator(`.widget-slot[data-widget="${widget}"]`).scrollIntoViewIfNeeded();
    await live.waitFor({ timeout: 30000 });
    await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
    assert.deepEqual(wasmOf(page.requests), [bundle]);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test('a chapter read from its opening downloads no wasm until the reader scrolls or a key is pressed', async () => {
  const page = await freshPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${site.origin}/chapter/05-conventions`);
  await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(500);
  assert.deepEqual(wasmOf(page.requests), [], 'no island, no interaction: no wasm');
  await page.mouse.wheel(0, 400);
  await page.waitForFunction(() => window.wasmBindings, null, { timeout: 20000 });
  assert.deepEqual(wasmOf(page.requests), ['reader']);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('each bundle carries only its own widgets: the smaller families are far below the whole app', () => {
  const list = fs.readFileSync(path.join(DIST, 'bundles', 'list.txt'), 'utf8');
  const sizes = Object.fromEntries(list.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const [name, , wasm] = l.split(/\s+/);
    return [name, fs.statSync(path.join(DIST, wasm)).size];
  }));
  const app = fs.readdirSync(DIST).find((f) => /^multiace-book-[0-9a-f]+_bg\.wasm$/.test(f));
  const whole = fs.statSync(path.join(DIST, app)).size;
  console.log(`# wasm bytes: whole app ${whole}, ${JSON.stringify(sizes)}`);
  for (const [name, size] of Object.entries(sizes)) assert.ok(size < whole, `${name} < the whole app`);
  assert.ok(sizes.reader < sizes.so3, 'the widget-free bundle is the smallest');
});
