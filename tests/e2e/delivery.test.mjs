// Text first: a chapter reads before its wasm arrives, the wasm carries no chapter text, widgets
// mount only near the viewport, and mounting them shifts nothing (CLS ≤ 0.05 on every chapter,
// desktop and phone).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openSite, newPage, CHAPTERS } from './harness.mjs';

const DIST = process.env.E2E_DIST ?? path.resolve('target/e2e-dist');
let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

/** A page with no service worker from earlier tests (page.route cannot hold what it serves). */
async function freshPage(options) {
  const page = await newPage(site, options);
  await page.goto(`${site.origin}/`);
  await page.evaluate(async () => {
    const regs = await navigator.serviceWorker?.getRegistrations() ?? [];
    await Promise.all(regs.map((r) => r.unregister()));
  });
  return page;
}

test('a chapter is readable while its wasm is still on the way; widgets follow', async () => {
  const page = await freshPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(`${site.origin}/chapter/03-mace`, { waitUntil: 'domcontentloaded' });
  const article = page.locator('article.chapter[data-slug="03-mace"]');
  await article.waitFor();
  assert.ok(await article.locator('math').count() > 20, 'the math is there');
  assert.ok(await article.locator('h2[id]').count() > 3, 'the sections are there');
  assert.equal(await page.locator('#loading').count(), 0, 'no loading screen in front of the text');
  const slot = article.locator('.widget-slot').first();
  assert.ok(await slot.locator('.widget-preview .widget-name').isVisible(), 'the placeholder shows the title');
  assert.equal(await slot.locator('.widget[data-widget]').count(), 0, 'no widget without the wasm');
  release();
  await slot.scrollIntoViewIfNeeded();
  await slot.locator('.widget[data-widget]').waitFor({ timeout: 20000 });
  assert.equal(await slot.locator('.widget-preview').count(), 0, 'the live widget replaced its preview');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('no wasm (the whole app or a bundle) carries chapter text', () => {
  const wasms = [
    ...fs.readdirSync(DIST).filter((f) => f.endsWith('_bg.wasm')),
    ...fs.readdirSync(path.join(DIST, 'bundles')).filter((f) => f.endsWith('_bg.wasm')).map((f) => `bundles/${f}`),
  ];
  assert.ok(wasms.length >= 7, `the app and six bundles: ${wasms}`);
  for (const wasm of wasms) {
    const bytes = fs.readFileSync(path.join(DIST, wasm)).toString('latin1');
    for (const slug of CHAPTERS) {
      const html = fs.readFileSync(path.join(DIST, 'chapter', slug, 'index.html'), 'utf8');
      // A sentence of the chapter's own text, as UTF-8 bytes read one to one.
      const sentence = html.match(/<p>([A-Z][a-z ,]{40,})/)?.[1]?.slice(0, 40);
      assert.ok(sentence, `${slug}: a sentence to look for`);
      assert.ok(!bytes.includes(sentence), `${slug}: "${sentence}" is in ${wasm}`);
    }
  }
});

test('widgets mount near the viewport, not all at once', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/chapter/01-atomic-cluster-expansion`);
  // The bundle starts when the reader scrolls (or an island is near); its bootstrap sets
  // window.wasmBindings once the wasm is instantiated.
  await page.mouse.wheel(0, 300);
  await page.waitForFunction(() => window.wasmBindings, null, { timeout: 20000 });
  await page.waitForTimeout(1500);
  const last = page.locator('.widget-slot').last();
  assert.equal(await last.locator('.widget[data-widget]').count(), 0, 'the last widget waits far below the fold');
  await last.scrollIntoViewIfNeeded();
  await last.locator('.widget[data-widget]').waitFor({ timeout: 20000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** Reads the page top to bottom, pausing so each widget mounts; returns the CLS (largest
 * session window of unexpected layout shifts, as Chromium and Lighthouse count it) of the page
 * around the widgets: a shift that moves only things inside one mounted widget (a fit's results
 * appearing) is the widget's own behaviour, not its mounting, and is left out. */
async function readThrough(page) {
  await page.waitForTimeout(1200);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0; y < height; y += 500) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(120);
  }
  await page.waitForTimeout(800);
  return page.evaluate(() => {
    let cls = 0;
    let session = 0;
    let start = 0;
    let prev = 0;
    for (const e of window.layoutShifts) {
      if (e.hadRecentInput || e.insideWidget) continue;
      if (e.startTime - prev > 1000 || e.startTime - start > 5000) { session = 0; start = e.startTime; }
      session += e.value;
      prev = e.startTime;
      cls = Math.max(cls, session);
    }
    const worst = window.layoutShifts.filter((e) => !e.hadRecentInput && !e.insideWidget && e.value > 0.01)
      .map((e) => `${e.value.toFixed(3)} at ${Math.round(e.startTime)} ms: ${e.what.join(', ')}`);
    return { cls, worst };
  });
}

test('mounting the widgets shifts nothing: CLS ≤ 0.05 on every chapter, desktop and phone', async () => {
  const failures = [];
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    for (const slug of CHAPTERS) {
      const page = await newPage(site, { viewport });
      await page.addInitScript(() => {
        window.layoutShifts = [];
        const inWidget = (node) => {
          const el = node?.nodeType === 1 ? node : node?.parentElement;
          return Boolean(el?.closest('.widget[data-widget]'));
        };
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            const insideWidget = e.sources.length > 0 && e.sources.every((src) => inWidget(src.node));
            const what = e.sources.map((src) => {
              const el = src.node?.nodeType === 1 ? src.node : src.node?.parentElement;
              return `${el?.tagName}.${el?.className} ${Math.round(src.previousRect.y)}→${Math.round(src.currentRect.y)}`;
            });
            window.layoutShifts.push({ startTime: e.startTime, value: e.value, hadRecentInput: e.hadRecentInput, insideWidget, what });
          }
        }).observe({ type: 'layout-shift', buffered: true });
      });
      await page.goto(`${site.origin}/chapter/${slug}`);
      const { cls, worst } = await readThrough(page);
      // Diagnostic for src/widgets/catalogue.rs HEIGHTS: widgets whose height drifted.
      const drift = await page.locator('.widget-slot > .widget[data-widget]').evaluateAll((ws) => ws
        .map((w) => [w.dataset.widget, Math.ceil(w.getBoundingClientRect().height),
          parseFloat(getComputedStyle(w.parentElement).getPropertyValue(innerWidth < 800 ? '--slot-narrow' : '--slot-wide'))])
        .filter(([, h, want]) => Math.abs(h - want) > 24));
      if (drift.length && (viewport.width === 1280 || viewport.width === 360)) {
        console.log(`# ${slug} at ${viewport.width}px: measured vs slot height ${JSON.stringify(drift)}`);
      }
      if (cls > 0.05) failures.push(`${slug} at ${viewport.width}px: CLS ${cls.toFixed(3)} (${worst.join('; ')})`);
      assert.deepEqual(page.errors, [], `errors on ${slug}`);
      await page.close();
    }
  }
  assert.deepEqual(failures, []);
});
