// Hosting: the site as a static host serves it. Every page stays on its origin (CSP and recorded
// requests), the widget catalogue (parameters, live preview, iframe snippet), the example
// reveal.js deck, the figures gallery (SVG and PNG downloads), offline mode (service worker), and
// — when E2E_DIST_SUB points at a build made with `--public-url /multiace/` (scripts/test-subpath.sh)
// — the whole site under a sub-path, as on GitHub Pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { openSite, newPage, CHAPTERS, CHROMIUM_ARGS } from './harness.mjs';
import { startServer } from '../../scripts/static-server.mjs';

const DIST = process.env.E2E_DIST ?? path.resolve('target/e2e-dist');
const SLIDE_WIDGETS = ['sh-explorer', 'clebsch-gordan', 'radial-basis'];

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

/** Widget names of the build: its embed/<name>/ route copies (written from the registry). */
const builtWidgets = (dist = DIST) => fs.readdirSync(path.join(dist, 'embed'), { withFileTypes: true })
  .filter((e) => e.isDirectory()).map((e) => e.name).sort();
const figureFiles = () => fs.readdirSync(path.resolve('figures')).filter((f) => f.endsWith('.svg')).sort();
const foreignOf = (page, origin) => page.requests.filter((u) => !u.startsWith(origin) && !/^(data|blob):/.test(u));

/**
 * A server + browser of its own (a fresh profile, so no service worker from other tests). `reuse`
 * = { profile, port }: the same profile and port as an earlier one (its worker and caches).
 */
async function ownSite(dist, options = {}, reuse = null) {
  const server = await startServer(dist, reuse?.port ?? 0, options);
  const port = server.address().port;
  const origin = `http://127.0.0.1:${port}`;
  const profile = reuse?.profile ?? fs.mkdtempSync(path.join(os.tmpdir(), 'multiace-host-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  let serving = true;
  return {
    origin,
    context,
    profile,
    port,
    async stopServer() {
      if (!serving) return;
      serving = false;
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
    /** keepProfile: leave the profile on disk for a later `ownSite(…, reuse)`. */
    async close({ keepProfile = false } = {}) {
      await context.close().catch(() => {});
      await this.stopServer();
      if (!keepProfile) fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

test('every page (chapters, all embeds, catalogue, figures, slides) requests nothing outside the origin', async () => {
  const pages = [
    ['/', 'main .landing'],
    ...CHAPTERS.map((slug) => [`/chapter/${slug}`, `article.chapter[data-slug="${slug}"]`]),
    ['/embed', '.catalogue-item'],
    ...builtWidgets().map((name) => [`/embed/${name}`, `.widget[data-widget="${name}"]`]),
    ['/figures', '.figure-card'],
    ['/slides/index.html', '.reveal .slides section'],
  ];
  const failures = [];
  for (const [route, selector] of pages) {
    const page = await newPage(site);
    await page.goto(site.origin + route);
    await page.waitForSelector(selector, { timeout: 20000 });
    // Let lazy work start: previews, models, datasets, figures, the service worker's precache.
    await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
    const foreign = foreignOf(page, site.origin);
    if (foreign.length) failures.push(`${route}: ${foreign.join(', ')}`);
    const csp = page.errors.filter((e) => /Content Security Policy|Refused to/i.test(e));
    if (csp.length) failures.push(`${route}: CSP violation ${csp.join(' | ')}`);
    await page.close();
  }
  assert.deepEqual(failures, []);
});

test('every HTML file of the build carries a Content-Security-Policy that names no other host', () => {
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const html = walk(DIST).filter((f) => f.endsWith('.html'));
  assert.ok(html.length > 10, `only ${html.length} HTML files in ${DIST}`);
  for (const file of html) {
    const text = fs.readFileSync(file, 'utf8');
    const csp = text.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/)?.[1];
    assert.ok(csp, `no CSP in ${path.relative(DIST, file)}`);
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /https?:|\*/, `${path.relative(DIST, file)} allows another host`);
    assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/);
    assert.doesNotMatch(text, /<(script|link|img|iframe)[^>]+(src|href)="(https?:)?\/\//i,
      `${path.relative(DIST, file)} loads something from another host`);
  }
});

test('the widget catalogue lists every widget with parameters, a lazy live preview and a snippet to copy', async () => {
  await site.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed`);
  await page.waitForSelector('.catalogue-item');
  const names = await page.locator('.catalogue-item').evaluateAll((items) => items.map((i) => i.dataset.widget));
  assert.deepEqual([...names].sort(), builtWidgets(), 'the catalogue lists exactly the built widgets');
  for (const name of names) {
    const item = page.locator(`.catalogue-item[data-widget="${name}"]`);
    const iframe = item.locator('.catalogue-preview iframe');
    assert.equal(await iframe.getAttribute('loading'), 'lazy', `${name}: preview is lazy`);
    const src = await iframe.getAttribute('src');
    assert.ok(src.startsWith(`/embed/${name}`), `${name}: preview src ${src}`);
    const snippet = await item.locator('.catalogue-snippet textarea').inputValue();
    assert.match(snippet, new RegExp(`^<iframe src="${site.origin}/embed/${name}[?"]`), `${name}: ${snippet}`);
    assert.match(snippet, /loading="lazy"/);
    assert.match(snippet, /title="[^"]+"/);
    // The table has one row per parameter, and the preview URL carries each default.
    const rows = await item.locator('tbody tr').count();
    const query = new URL(src, site.origin).searchParams;
    assert.equal(rows, [...query.keys()].length, `${name}: parameter rows vs preview query`);
  }
  // The first preview renders its widget (it is in view, so the lazy iframe loads).
  const first = names[0];
  const frame = page.frameLocator(`.catalogue-item[data-widget="${first}"] .catalogue-preview iframe`);
  await frame.locator(`.widget[data-widget="${first}"]`).waitFor({ timeout: 20000 });
  // A preview far down the page has not loaded (lazy): its frame has no widget yet.
  const last = names[names.length - 1];
  const lastFrame = page.frames().find((f) => f.url().includes(`/embed/${last}`));
  assert.ok(!lastFrame || lastFrame.url() === 'about:blank' || names.length < 4, 'the last preview loads lazily');
  // Copy the snippet.
  const item = page.locator(`.catalogue-item[data-widget="${first}"]`);
  await item.locator('button.copy-snippet').click();
  await page.waitForFunction((n) => document.querySelector(`.catalogue-item[data-widget="${n}"] button.copy-snippet`)
    .textContent.includes('Copied'), first, { timeout: 5000 });
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(clip, await item.locator('.catalogue-snippet textarea').inputValue());
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the reveal.js deck (reveal.js vendored, no CDN) shows three live widgets', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/slides/index.html`);
  await page.waitForFunction(() => window.Reveal?.isReady?.(), null, { timeout: 15000 });
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /default-src 'self'; script-src 'self';/);
  for (const name of SLIDE_WIDGETS) {
    const index = await page.evaluate((n) => [...document.querySelectorAll('.reveal .slides > section')]
      .findIndex((s) => s.dataset.widget === n), name);
    assert.ok(index > 0, `a slide for ${name}`);
    await page.evaluate((i) => window.Reveal.slide(i), index);
    const iframe = page.locator(`section[data-widget="${name}"] iframe`);
    await page.waitForFunction((n) => document.querySelector(`section[data-widget="${n}"] iframe`)?.src, name);
    const src = await iframe.evaluate((f) => f.src);
    assert.ok(src.startsWith(`${site.origin}/embed/${name}?`), `relative URL resolved to ${src}`);
    const widget = page.frameLocator(`section[data-widget="${name}"] iframe`).locator(`.widget[data-widget="${name}"]`);
    await widget.waitFor({ timeout: 20000 });
    assert.equal(await widget.locator('.widget-notice').count(), 0, `${name}: no parameter notice`);
  }
  assert.ok(page.requests.some((u) => u === `${site.origin}/slides/reveal/reveal.js`), 'reveal.js from the site');
  assert.deepEqual(foreignOf(page, site.origin), []);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the figures gallery shows every figure the CLI writes, downloadable as SVG and PNG', async () => {
  const page = await newPage(site);
  await page.goto(site.origin + '/');
  await page.locator('nav a[href$="/figures"]').first().click();
  await page.waitForSelector('.figure-card');
  const shown = await page.locator('.figure-card').evaluateAll((cards) => cards.map((c) => c.dataset.figure));
  assert.deepEqual([...shown].sort(), figureFiles(), 'one card per SVG in figures/');
  // Every image loads (scroll each into view: they are lazy).
  for (const file of shown) {
    const img = page.locator(`.figure-card[data-figure="${file}"] img`);
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((f) => {
      const i = document.querySelector(`.figure-card[data-figure="${f}"] img`);
      return i.complete && i.naturalWidth > 0;
    }, file, { timeout: 10000 });
  }
  const file = shown.find((f) => f.includes('radial')) ?? shown[0];
  const card = page.locator(`.figure-card[data-figure="${file}"]`);
  const [svg] = await Promise.all([page.waitForEvent('download'), card.locator('a[data-format="svg"]').click()]);
  assert.equal(svg.suggestedFilename(), file);
  const svgText = fs.readFileSync(await svg.path(), 'utf8');
  assert.equal(svgText, fs.readFileSync(path.resolve('figures', file), 'utf8'));
  const [png] = await Promise.all([page.waitForEvent('download'), card.locator('button[data-format="png"]').click()]);
  assert.equal(png.suggestedFilename(), file.replace(/\.svg$/, '.png'));
  const bytes = fs.readFileSync(await png.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  const width = bytes.readUInt32BE(16);
  const svgWidth = Number(svgText.match(/<svg[^>]*\swidth="(\d+)/)[1]);
  assert.equal(width, 2 * svgWidth, 'PNG at twice the SVG width');
  assert.ok(bytes.length > 10000, `PNG has content (${bytes.length} bytes)`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('offline: after one visit, chapters and embeds load with the network gone', async () => {
  // A copy of the build, so the test can publish a "new deployment" at the end.
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'multiace-offline-'));
  fs.cpSync(DIST, dist, { recursive: true });
  let own = await ownSite(dist);
  try {
    const page = await newPage(own);
    await page.goto(`${own.origin}/chapter/00-fundamentals`);
    await page.waitForSelector('article.chapter');
    await page.waitForFunction(() => navigator.serviceWorker?.controller, null, { timeout: 30000 });
    const version = fs.readFileSync(path.join(dist, 'sw.js'), 'utf8').match(/const VERSION = "([0-9a-f]+)"/)[1];
    assert.deepEqual(await page.evaluate(() => caches.keys()), [`multiace-${version}`]);
    // The reader scrolls to a widget: its bundle (so3) arrives and the worker keeps it, which the
    // embed page below needs offline (bundles are kept once fetched, not precached).
    await page.locator('.widget-slot').first().scrollIntoViewIfNeeded();
    await page.waitForFunction(async () => {
      const cache = await caches.open((await caches.keys())[0]);
      const keys = (await cache.keys()).map((r) => r.url);
      return keys.some((u) => /bundles\/so3-[^/]*\.wasm$/.test(u));
    }, null, { timeout: 30000 });
    // The embed page's model-free widget and a chapter never visited: both from the app shell.
    await page.evaluate(() => fetch('datasets/ethanol_test.xyz').then((r) => r.text()));
    // The network goes: the browser is offline and the server is gone.
    await own.context.setOffline(true);
    await own.stopServer();
    await page.reload();
    await page.waitForSelector('article.chapter[data-slug="00-fundamentals"] math', { timeout: 20000 });
    await page.goto(`${own.origin}/embed/sh-explorer?l=3&m=-2`);
    await page.locator('[data-testid=sh-lm][data-l="3"]').waitFor({ timeout: 20000 });
    await page.goto(`${own.origin}/chapter/01-atomic-cluster-expansion`);
    await page.waitForSelector('article.chapter[data-slug="01-atomic-cluster-expansion"]', { timeout: 20000 });
    const cached = await page.evaluate(() => fetch('datasets/ethanol_test.xyz').then((r) => r.text()));
    assert.ok(cached.length > 1000, 'a dataset fetched once is there offline');
    assert.deepEqual(page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e)), []);
    await page.close();

    // Never stale: a new deployment (other HTML, other sw.js version) is served at the next
    // online visit, and the old cache is removed once the new worker activates.
    await own.close({ keepProfile: true });
    const marker = '<meta name="multiace-test-deploy" content="2">';
    for (const f of ['index.html', 'chapter/00-fundamentals/index.html']) {
      const p = path.join(dist, f);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace('<head>', `<head>${marker}`));
    }
    const sw = path.join(dist, 'sw.js');
    fs.writeFileSync(sw, fs.readFileSync(sw, 'utf8').replace(`"${version}"`, '"0000000000000002"'));
    // The same profile and origin: the old worker and its cache are still there.
    own = await ownSite(dist, {}, { profile: own.profile, port: own.port });
    const again = await newPage(own);
    await again.goto(`${own.origin}/chapter/00-fundamentals`);
    await again.waitForSelector('article.chapter');
    assert.equal(await again.locator('meta[name="multiace-test-deploy"]').count(), 1, 'the new HTML, not the cached one');
    await again.waitForFunction(async () => {
      const keys = await caches.keys();
      return keys.length === 1 && keys[0] === 'multiace-0000000000000002';
    }, null, { timeout: 30000 });
    await again.close();
  } finally {
    await own.close();
    fs.rmSync(dist, { recursive: true, force: true });
  }
});

const SUB = process.env.E2E_DIST_SUB;
test('under a sub-path (--public-url /multiace/): landing, deep links, figures, slides, 404', {
  skip: SUB ? false : 'E2E_DIST_SUB is not set (scripts/test-subpath.sh builds it and sets it)',
}, async () => {
  const base = process.env.E2E_BASE ?? '/multiace/';
  const sub = await ownSite(path.resolve(SUB), { base, redirectDirs: true, pages404: true });
  const root = sub.origin + base;
  try {
    const visits = [
      ['', 'main .landing'],
      ['chapter/00-fundamentals', 'article.chapter[data-slug="00-fundamentals"] math'],
      ['embed/sh-explorer?l=3&m=-2', '[data-testid=sh-lm][data-l="3"]'],
      ['embed', '.catalogue-item'],
      ['figures', '.figure-card img'],
      ['no/such/page', 'body :text-matches("not found", "i")'],
    ];
    for (const [route, selector] of visits) {
      const page = await newPage(sub);
      await page.goto(root + route);
      await page.waitForSelector(selector, { timeout: 20000 });
      // A chapter's bundle starts when the reader scrolls (crates/site/src/bundles.rs).
      if (route.startsWith('chapter/')) await page.mouse.wheel(0, 300);
      await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
      assert.ok(page.requests.some((u) => u.startsWith(root) && u.endsWith('.wasm')), `${route}: the wasm loads`);
      const outside = page.requests.filter((u) => !u.startsWith(root) && !/^(data|blob):/.test(u));
      assert.deepEqual(outside, [], `${route}: requests outside ${base}`);
      // GitHub Pages answers an unknown path with 404.html and status 404: the browser logs that.
      const errors = page.errors.filter((e) => !(route.startsWith('no/') && /status of 404/.test(e)));
      assert.deepEqual(errors, [], `${route}: errors`);
      if (route === '') {
        const hrefs = await page.locator('nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.ok(hrefs.length > 5 && hrefs.every((h) => h.startsWith(base)), `links keep the base: ${hrefs}`);
        // Following a chapter link (a page load: chapters are static pages) keeps the base too; a
        // host like GitHub Pages redirects the chapter's folder to its trailing slash.
        await page.locator(`nav a[href="${base}chapter/01-atomic-cluster-expansion"]`).click();
        await page.waitForSelector('article.chapter[data-slug="01-atomic-cluster-expansion"]');
        assert.match(new URL(page.url()).pathname, new RegExp(`^${base}chapter/01-atomic-cluster-expansion/?$`));
        const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
        assert.equal(scope, root, 'the service worker is scoped to the base path');
        // The skip link and a permalink stay on the page under the base path too.
        const here = page.url().split('#')[0];
        assert.equal(await page.locator('.skip-link').evaluate((a) => a.href), `${here.replace(/\/$/, '')}#main`);
        const loads = page.requests.length;
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
        assert.match(new URL(page.url()).pathname, new RegExp(`^${base}chapter/01-atomic-cluster-expansion/?$`), 'the skip link keeps the page');
        assert.equal(new URL(page.url()).hash, '#main');
        assert.ok(!page.requests.slice(loads).some((u) => u.includes('chapter/01-atomic-cluster-expansion')), 'and does not load it again');
        const permalink = await page.locator('article.chapter h2 > a.permalink').first().evaluate((a) => a.href);
        assert.ok(permalink.startsWith(`${root}chapter/01-atomic-cluster-expansion#`), permalink);
      }
      await page.close();
    }
    // The deck under the sub-path: its relative widget URLs stay under the base.
    const deck = await newPage(sub);
    await deck.goto(`${root}slides/`);
    await deck.waitForFunction(() => window.Reveal?.isReady?.(), null, { timeout: 15000 });
    await deck.evaluate(() => window.Reveal.slide(1));
    await deck.frameLocator('section[data-widget="sh-explorer"] iframe')
      .locator('.widget[data-widget="sh-explorer"]').waitFor({ timeout: 20000 });
    assert.deepEqual(deck.requests.filter((u) => !u.startsWith(root)), []);
    assert.deepEqual(deck.errors, []);
    await deck.close();
  } finally {
    await sub.close();
  }
});
