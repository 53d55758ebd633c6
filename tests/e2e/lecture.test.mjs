// Widgets in a lecture (issue 16): the reveal.js deck gets its keys back from a widget (Esc, a
// clicker's PageDown), clicking a widget never scrolls its frame, a fragment drives a widget
// (`set`), every catalogue snippet on a course page of another origin shows its whole widget
// (embed.js sizes each frame to the `resize` heights), and `state` reports the reader's changes.
// Screenshots of the deck and of a compact embed go to $E2E_SHOTS (default: a temporary folder).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSite, newPage } from './harness.mjs';
import { startServer } from '../../scripts/static-server.mjs';

const SHOTS = process.env.E2E_SHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), 'multiace-lecture-'));

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

const slideIndex = (page, name) => page.evaluate((n) => [...document.querySelectorAll('.reveal .slides > section')]
  .findIndex((s) => s.dataset.widget === n), name);
const indices = (page) => page.evaluate(() => window.Reveal.getIndices());

async function openDeckAt(page, name) {
  await page.goto(`${site.origin}/slides/index.html`);
  await page.waitForFunction(() => window.Reveal?.isReady?.() && window.MultiAce, null, { timeout: 15000 });
  const index = await slideIndex(page, name);
  assert.ok(index > 0, `a slide for ${name}`);
  await page.evaluate((i) => window.Reveal.slide(i), index);
  const frame = page.frameLocator(`section[data-widget="${name}"] iframe`);
  await frame.locator(`.widget[data-widget="${name}"]:not(.widget-preview)`).waitFor({ timeout: 20000 });
  // embed.js has sized the frame (reveal.js then centres the slide again): clicks land where aimed.
  await page.waitForFunction((n) => {
    const f = document.querySelector(`section[data-widget="${n}"] iframe`);
    const h = f.contentDocument?.documentElement.getBoundingClientRect().height;
    return h > 0 && Math.abs(h - f.clientHeight) <= 2;
  }, name, { timeout: 10000 });
  await page.waitForTimeout(200);
  return { index, frame };
}

const frameOf = (page, name) => page.frames().find((f) => f.url().includes(`/embed/${name}`));

/** A real mouse click on `locator` inside the frame of widget `name`, at the middle of the part of
 * it the frame shows (Playwright's own click() would scroll the element into view first). */
async function clickInFrame(page, name, locator) {
  const frame = await page.locator(`section[data-widget="${name}"] iframe`).boundingBox();
  const box = await locator.boundingBox();
  const top = Math.max(box.y, frame.y);
  const bottom = Math.min(box.y + box.height, frame.y + frame.height);
  assert.ok(bottom > top, `${name}: the element shows in its frame`);
  await page.mouse.click(box.x + box.width / 2, (top + bottom) / 2);
}

test('the deck: Esc gives the keys back to reveal.js, a clicker always advances, a click never scrolls', async () => {
  const page = await newPage(site);
  const { index, frame } = await openDeckAt(page, 'sh-explorer');
  // The frame shows the whole widget (embed.js gave it the reported height).
  await page.waitForFunction(() => {
    const f = document.querySelector('section[data-widget="sh-explorer"] iframe');
    const doc = f.contentDocument;
    return doc && Math.abs(doc.documentElement.getBoundingClientRect().height - f.clientHeight) <= 2;
  }, null, { timeout: 10000 });
  // Compact mode: no title bar, only the l and m controls.
  assert.ok(await frame.locator('html.compact').count(), 'chrome=0 gives the compact mode');
  assert.equal(await frame.locator('.widget-titlebar').isVisible(), false, 'no title bar');
  assert.ok(await frame.locator('[data-control="l"]').isVisible(), 'the l control is kept');
  assert.equal(await frame.locator('[data-control="norm"]').first().isVisible(), false, 'norm is hidden');

  // Click the 3D view: the arrow keys rotate it, the slide stays.
  const inner = frameOf(page, 'sh-explorer');
  await clickInFrame(page, 'sh-explorer', frame.locator('canvas.view3d'));
  assert.equal(await inner.evaluate(() => document.scrollingElement.scrollTop), 0, 'the click did not scroll the frame');
  await page.keyboard.press('ArrowRight');
  assert.equal((await indices(page)).h, index, 'ArrowRight went to the widget');
  assert.equal(await page.locator('section[data-widget="sh-explorer"] .fragment.visible').count(), 0,
    'and not to the deck (no fragment shown)');
  // Esc: the next ArrowRight is the deck's (the slide's first fragment, which sets l = 4, m = 0).
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.Reveal.getIndices().f === 0, null, { timeout: 5000 });
  const readout = frame.locator('[data-testid="sh-lm"]');
  await page.waitForFunction((f) => {
    const el = document.querySelector(`section[data-widget="sh-explorer"] iframe`).contentDocument
      ?.querySelector('[data-testid="sh-lm"]');
    return el?.dataset.l === '4' && el?.dataset.m === '0';
  }, null, { timeout: 10000 });
  assert.equal(await readout.getAttribute('data-l'), '4', 'the fragment set the widget');
  assert.ok(await frame.locator('html.compact').count(), 'the compact mode survives a set');
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(SHOTS, 'deck-sh-explorer-fragment.png') });
  // Back: the fragment hides and the widget returns to its URL's state.
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('section[data-widget="sh-explorer"] iframe')
    .contentDocument?.querySelector('[data-testid="sh-lm"]')?.dataset.l === '3', null, { timeout: 10000 });

  await page.screenshot({ path: path.join(SHOTS, 'deck-sh-explorer.png') });

  // A focused widget and a clicker: PageDown still advances the deck.
  await clickInFrame(page, 'sh-explorer', frame.locator('canvas.view3d'));
  await page.keyboard.press('PageDown');
  await page.waitForFunction((i) => {
    const { h, f } = window.Reveal.getIndices();
    return h > i || f === 0;
  }, index, { timeout: 5000 });

  // On the next slide (no fragments): click a control, Esc, ArrowRight goes to the next slide.
  const cg = await openDeckAt(page, 'clebsch-gordan');
  await clickInFrame(page, 'clebsch-gordan', cg.frame.locator('[data-control="l1"] button.chip').first());
  assert.equal(await frameOf(page, 'clebsch-gordan').evaluate(() => document.scrollingElement.scrollTop), 0);
  await page.keyboard.press('ArrowRight');
  assert.equal((await indices(page)).h, cg.index, 'the widget has the keys');
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((i) => window.Reveal.getIndices().h === i + 1, cg.index, { timeout: 5000 });
  // PageDown from a focused widget, and PageUp back.
  const rb = await openDeckAt(page, 'radial-basis');
  await clickInFrame(page, 'radial-basis', rb.frame.locator('canvas.radial'));
  assert.equal(await frameOf(page, 'radial-basis').evaluate(() => document.scrollingElement.scrollTop), 0);
  await page.keyboard.press('PageDown');
  await page.waitForFunction((i) => window.Reveal.getIndices().h === i + 1, rb.index, { timeout: 5000 });
  await page.keyboard.press('PageUp');
  await page.waitForFunction((i) => window.Reveal.getIndices().h === i, rb.index, { timeout: 5000 });
  await rb.frame.locator('.widget[data-widget="radial-basis"]').waitFor({ timeout: 20000 });
  // N and Space from a focused plot go to the deck too; a focused chip keeps its Space.
  await clickInFrame(page, 'radial-basis', rb.frame.locator('canvas.radial'));
  await page.keyboard.press('n');
  await page.waitForFunction((i) => window.Reveal.getIndices().h === i + 1, rb.index, { timeout: 5000 });
  await page.keyboard.press('p');
  await page.waitForFunction((i) => window.Reveal.getIndices().h === i, rb.index, { timeout: 5000 });
  await rb.frame.locator('.widget[data-widget="radial-basis"]').waitFor({ timeout: 20000 });
  await clickInFrame(page, 'radial-basis', rb.frame.locator('[data-control="basis"] button', { hasText: 'chebyshev' }));
  await page.keyboard.press('Space');
  await page.waitForTimeout(300);
  assert.equal((await indices(page)).h, rb.index, 'Space on a focused button is the button\'s');
  await clickInFrame(page, 'radial-basis', rb.frame.locator('canvas.radial'));
  await page.keyboard.press('Space');
  await page.waitForFunction((i) => window.Reveal.getIndices().h === i + 1, rb.index, { timeout: 5000 });
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((i) => window.Reveal.getIndices().h === i, rb.index, { timeout: 5000 });
  await rb.frame.locator('.widget[data-widget="radial-basis"]').waitFor({ timeout: 20000 });
  await page.screenshot({ path: path.join(SHOTS, 'deck-radial-basis.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** A course page on a second loopback origin with `body` and (unless `script` is false) the
 * site's embed.js. */
async function coursePage(body, { script = true } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multiace-course-'));
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A course page</title>
<link rel="icon" href="data:,">
<style>body { font-family: sans-serif; max-width: 960px; margin: 1rem auto; } iframe { border: 1px solid #ccc; display: block; }</style>
<script>
  // Every message a widget posts, per frame, for the test to compare with what it renders.
  window.received = [];
  addEventListener('message', (ev) => {
    if (ev.data?.ns !== 'multiace') return;
    const i = [...document.querySelectorAll('iframe')].findIndex((f) => f.contentWindow === ev.source);
    window.received.push({ ...ev.data, frame: i, origin: ev.origin });
  });
</script>
${script ? `<script src="${site.origin}/embed.js"></script>` : ''}
</head><body><h1>A course page</h1>
${body}
</body></html>`);
  const server = await startServer(dir, 0);
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    async close() { server.closeAllConnections?.(); await new Promise((r) => server.close(r)); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

test('every catalogue snippet on another origin shows its whole widget, sized by embed.js to the height it reports', async () => {
  const cat = await newPage(site);
  await cat.goto(`${site.origin}/embed`);
  await cat.waitForSelector('.catalogue-item');
  const snippets = await cat.locator('.catalogue-item').evaluateAll((items) => items.map((i) => ({
    name: i.dataset.widget,
    snippet: i.querySelector('.catalogue-snippet textarea').value,
  })));
  await cat.close();
  assert.ok(snippets.length >= 20, `${snippets.length} snippets`);
  const course = await coursePage(snippets.map((s) => `<h2>${s.name}</h2>\n${s.snippet}`).join('\n'));
  const page = await newPage(site);
  try {
    await page.goto(course.url);
    assert.notEqual(new URL(course.url).origin, site.origin, 'a second origin');
    const problems = [];
    const sizes = [];
    for (const [i, { name, snippet }] of snippets.entries()) {
      const initial = Number(snippet.match(/height="(\d+)"/)[1]);
      const iframe = page.locator('iframe').nth(i);
      await iframe.scrollIntoViewIfNeeded();
      const frame = page.frameLocator('iframe').nth(i);
      await frame.locator(`.widget[data-widget="${name}"]:not(.widget-preview)`).waitFor({ timeout: 30000 });
      // Settled: the frame is as tall as its page, which reported that height (data may still arrive).
      const settled = await page.waitForFunction((k) => {
        const f = document.querySelectorAll('iframe')[k];
        const doc = f.contentDocument; // cross-origin: null, so measure through the messages
        const last = window.received.filter((m) => m.frame === k && m.type === 'resize').pop();
        return last && Math.abs(f.getBoundingClientRect().height - last.height) <= 2 && !doc ? last.height : false;
      }, i, { timeout: 30000 }).then((h) => h.jsonValue()).catch(() => null);
      if (settled === null) { problems.push(`${name}: the frame never took a reported height`); continue; }
      // Measure inside and outside until two samples in a row agree (a widget may still grow as
      // its data arrives: ace-fit when its fit ends); the last sample is what is judged.
      const inner = page.frames().find((f) => f.url().startsWith(`${site.origin}/embed/${name}`));
      let inside;
      let got;
      let agreed = 0;
      for (let t = 0; t < 120 && agreed < 2; t++) {
        await page.waitForTimeout(250);
        inside = await inner.evaluate(() => ({
          // The content's extent: the page's box, or what overflows it.
          rendered: Math.max(document.documentElement.getBoundingClientRect().height, document.body.scrollHeight),
          scrollH: document.scrollingElement.scrollHeight,
          scrollW: document.scrollingElement.scrollWidth,
          innerH: window.innerHeight,
          innerW: window.innerWidth,
        }));
        got = await page.evaluate((k) => ({
          frame: document.querySelectorAll('iframe')[k].clientHeight,
          reported: window.received.filter((m) => m.frame === k && m.type === 'resize').pop().height,
          origin: window.received.find((m) => m.frame === k).origin,
        }), i);
        const ok = Math.abs(got.reported - inside.rendered) <= 2 && Math.abs(got.frame - inside.rendered) <= 2
          && inside.scrollH <= inside.innerH + 1;
        agreed = ok ? agreed + 1 : 0;
      }
      assert.equal(got.origin, site.origin, `${name}: messages come from the site`);
      if (Math.abs(got.reported - inside.rendered) > 2) problems.push(`${name}: reported ${got.reported}, rendered ${inside.rendered}`);
      if (inside.scrollH > inside.innerH + 1) problems.push(`${name}: inner vertical scroll (${inside.scrollH} > ${inside.innerH})`);
      if (inside.scrollW > inside.innerW + 1) problems.push(`${name}: inner horizontal scroll (${inside.scrollW} > ${inside.innerW})`);
      if (Math.abs(initial - got.frame) > 0.25 * got.frame) problems.push(`${name}: initial height ${initial} vs widget ${got.frame}`);
      sizes.push(`${name} ${initial}→${got.frame}`);
      if (i === 0) await page.screenshot({ path: path.join(SHOTS, 'course-page.png') });
    }
    console.log(`initial → sized frame heights: ${sizes.join(', ')}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
    await course.close();
  }
});

test('set changes a widget from its host, state reports the reader\'s change, and only the parent may set', async () => {
  const sh = `${site.origin}/embed/sh-explorer?l=2&m=1&chrome=0`;
  const course = await newCourse(sh);
  const page = await newPage(site);
  try {
    await page.goto(course.url);
    const frame = page.frameLocator('iframe#sh');
    await frame.locator('[data-testid="sh-lm"]').waitFor({ timeout: 20000 });
    await page.waitForFunction(() => window.received.some((m) => m.type === 'ready' && m.widget === 'sh-explorer'));
    await page.evaluate(() => window.MultiAce.set(document.getElementById('sh'), 'l=4&m=3'));
    await page.waitForFunction(() => document.getElementById('sh').dataset.multiaceState?.startsWith('l=4&m=3'), null, { timeout: 10000 });
    const lm = frame.locator('[data-testid="sh-lm"]');
    assert.equal(await lm.getAttribute('data-l'), '4');
    assert.equal(await lm.getAttribute('data-m'), '3');
    const inner = page.frames().find((f) => f.url().startsWith(`${site.origin}/embed/sh-explorer`));
    assert.match(inner.url(), /[?&]l=4&m=3/, 'the embed URL holds the new state');
    assert.match(inner.url(), /chrome=0/, 'and keeps the page-level keys');
    assert.ok(await frame.locator('html.compact').count(), 'still compact');
    // The reader changes m: `state` reports it.
    const events = page.evaluate(() => new Promise((resolve) => document.getElementById('sh')
      .addEventListener('multiace:state', (e) => resolve(e.detail.query), { once: true })));
    await frame.locator('button[aria-label="increase m"]').click();
    assert.match(await events, /^l=4&m=4&/);
    assert.match(await page.evaluate(() => window.received.filter((m) => m.type === 'state').pop().query), /^l=4&m=4/);
    // A sibling frame (not the parent) cannot set the widget.
    const sibling = page.frames().find((f) => f.name() === 'other');
    await sibling.evaluate(() => window.parent.frames[0].postMessage({ ns: 'multiace', v: 1, type: 'set', query: 'l=1&m=0' }, '*'));
    await page.waitForTimeout(500);
    assert.equal(await lm.getAttribute('data-l'), '4', 'a set from a sibling frame is ignored');
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
    await course.close();
  }
});

async function newCourse(src) {
  return coursePage(`<iframe id="sh" src="${src}" width="100%" height="771" title="sh"></iframe>
<iframe name="other" srcdoc="<p>another frame</p>" height="60"></iframe>`);
}

test('a compact embed at 1280 px (screenshot)', async () => {
  const page = await newPage(site, { viewport: { width: 1280, height: 800 } });
  await page.goto(`${site.origin}/embed/radial-basis?basis=bessel&nmax=6&rcut=5&chrome=0&controls=basis,nmax`);
  await page.locator('.widget[data-widget="radial-basis"]:not(.widget-preview)').waitFor({ timeout: 20000 });
  assert.equal(await page.locator('[data-control="rcut"]').isVisible(), false, 'rcut hidden');
  assert.ok(await page.locator('[data-control="nmax"]').isVisible(), 'nmax kept');
  assert.equal(await page.locator('.embed-backlink').isVisible(), false, 'no back link');
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(SHOTS, 'compact-radial-basis.png'), fullPage: true });
  console.log(`screenshots in ${SHOTS}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a click on a widget in a frame too short for it (no host script) does not scroll the frame', async () => {
  const course = await coursePage(`<iframe id="sh" src="${site.origin}/embed/sh-explorer?l=3&m=-2" width="900" height="420" title="sh"></iframe>`, { script: false });
  const page = await newPage(site);
  try {
    await page.goto(course.url);
    const frame = page.frameLocator('iframe#sh');
    await frame.locator('canvas.view3d').waitFor({ timeout: 20000 });
    const inner = page.frames().find((f) => f.url().startsWith(`${site.origin}/embed/sh-explorer`));
    assert.ok(await inner.evaluate(() => document.scrollingElement.scrollHeight > innerHeight + 100), 'the frame is too short');
    const box = await page.locator('iframe#sh').boundingBox();
    const canvas = await frame.locator('canvas.view3d').boundingBox();
    // The top of the 3D view, which the frame shows; the rest of it is below the frame's edge.
    await page.mouse.click(canvas.x + canvas.width / 2, Math.min(canvas.y + 40, box.y + box.height - 10));
    await page.waitForTimeout(300);
    assert.equal(await inner.evaluate(() => document.activeElement?.tagName), 'CANVAS', 'the view has the keys');
    assert.equal(await inner.evaluate(() => document.scrollingElement.scrollTop), 0, 'the frame did not scroll');
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
    await course.close();
  }
});
