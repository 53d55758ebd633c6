// What a reader of any book site expects (issue 17): search, the contents marking the section in
// view, permalinks, numbered equations, ←/→ between chapters, a working skip link, progress that
// survives a reload, print, and a header that fits a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CHAPTERS, openSite, newPage } from './harness.mjs';

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

const chapter = (slug) => `${site.origin}/chapter/${slug}`;

test('skip link, permalinks, one aria-current, the Markdown source link', async () => {
  const page = await newPage(site);
  await page.goto(chapter('01-atomic-cluster-expansion'));
  const skip = await page.locator('.skip-link').evaluate((a) => a.href);
  assert.equal(skip, `${chapter('01-atomic-cluster-expansion')}#main`, 'the skip link stays on the page');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal(page.url(), `${chapter('01-atomic-cluster-expansion')}#main`);
  assert.equal(await page.locator('#toc [aria-current]').count(), 1, 'only the chapter is the current page');
  const h2 = await page.locator('article.chapter h2[id]').count();
  assert.ok(h2 >= 3);
  assert.equal(await page.locator('article.chapter h2[id] > a.permalink').count(), h2, 'every section heading has a permalink');
  const link = await page.locator('article.chapter h2[id] > a.permalink').nth(1).evaluate((a) => [a.href, a.parentElement.id]);
  assert.equal(link[0], `${chapter('01-atomic-cluster-expansion')}#${link[1]}`);
  const cites = await page.evaluate(() => [...document.querySelectorAll('a.cite')]
    .map((a) => [a.textContent, !!document.getElementById(new URL(a.href).hash.slice(1))]));
  assert.ok(cites.length >= 5, `citations link to the references: ${cites.length}`);
  assert.deepEqual(cites.filter(([, ok]) => !ok), [], 'every citation finds its entry');
  const source = await page.locator('.chapter-source a').getAttribute('href');
  const md = await page.evaluate((href) => fetch(href).then((r) => r.text()), source);
  assert.match(md, /^# 01/, 'the link gives the chapter as Markdown');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('numbered display equations in every chapter, and the text links to them', async () => {
  const page = await newPage(site);
  for (const slug of CHAPTERS.filter((s) => s !== '05-conventions')) {
    await page.goto(chapter(slug));
    const numbered = await page.locator('.display-math.numbered[id^="eq-"] > a.eq-number').count();
    assert.ok(numbered >= 1, `${slug} numbers its equations`);
    // every reference points at an equation of the page
    const broken = await page.evaluate(() => [...document.querySelectorAll('a.eq-ref')]
      .filter((a) => !document.getElementById(new URL(a.href).hash.slice(1))).map((a) => a.href));
    assert.deepEqual(broken, [], `${slug}: references to missing equations`);
  }
  // chapter 04 keeps its own four numbers and links "equation (2)" in the text
  await page.goto(chapter('04-multi-ace-framework'));
  assert.deepEqual(await page.locator('.display-math.numbered').evaluateAll((els) => els.map((e) => e.id)),
    ['eq-1', 'eq-2', 'eq-3', 'eq-4']);
  assert.ok(await page.locator('a.eq-ref[href$="#eq-2"]').count() >= 3);
  await page.close();
});

test('← and → go to the previous and next chapter; the contents mark the section in view', async () => {
  const page = await newPage(site);
  await page.goto(chapter('01-atomic-cluster-expansion'));
  await page.locator('article.chapter h1').click();
  await Promise.all([page.waitForURL(/02-equivariant/), page.keyboard.press('ArrowRight')]);
  await page.locator('article.chapter h1').click();
  await Promise.all([page.waitForURL(/01-atomic/), page.keyboard.press('ArrowLeft')]);
  const third = page.locator('article.chapter h2[id]').nth(2);
  const id = await third.getAttribute('id');
  await third.evaluate((h) => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 100));
  await page.waitForFunction((want) => document.querySelector('#toc .toc-sections a.in-view')?.href.endsWith(`#${want}`), id);
  assert.equal(await page.locator('#toc .toc-sections a.in-view').count(), 1);
  await page.close();
});

test('search: `/` opens it, results mark the words, arrows and Enter go to the section', async () => {
  const page = await newPage(site);
  await page.goto(chapter('00-fundamentals'));
  const before = page.requests.filter((u) => u.includes('search-index.json')).length;
  assert.equal(before, 0, 'the index loads only when search opens');
  await page.keyboard.press('/');
  const input = page.locator('dialog.search-dialog input[type=search]');
  await input.waitFor();
  await input.fill('symmetric contraction');
  await page.waitForFunction(() => document.querySelectorAll('.search-results [role=option]').length > 0);
  const first = await page.locator('.search-results [role=option]').first().innerText();
  assert.match(first, /03/, `the MACE chapter comes first: ${first}`);
  assert.ok(await page.locator('.search-results mark').count() >= 2, 'hits are marked');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('.search-results [aria-selected=true]').getAttribute('id'), 'search-result-1');
  await page.keyboard.press('ArrowUp');
  await Promise.all([page.waitForURL(/03-mace#/), page.keyboard.press('Enter')]);
  await page.waitForFunction(() => CSS.highlights.get('search-hit')?.size > 0);
  // nothing found is said, and Escape closes
  await page.keyboard.press('s');
  await input.fill('qwertyzzz');
  await page.waitForFunction(() => /Nothing found/.test(document.querySelector('.search-status')?.textContent ?? ''));
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('dialog.search-dialog[open]').count(), 0);
  // offline: the worker precaches the index
  const sw = await page.evaluate(() => fetch('sw.js').then((r) => r.text()));
  assert.match(sw, /"search-index\.json"/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('progress: a solved exercise stays solved after a reload, the contents count it, the landing page continues', async () => {
  const page = await newPage(site);
  page.on('dialog', (d) => d.accept());
  await page.goto(chapter('00-fundamentals'));
  const ex = page.locator('.exercise[data-kind=choices]').first();
  const correct = await ex.getAttribute('data-correct');
  const id = await ex.getAttribute('data-id');
  await ex.scrollIntoViewIfNeeded();
  const live = page.locator(`.exercise[data-id="${id}"] button.check`);
  await live.waitFor({ timeout: 20000 });
  await page.locator(`.exercise[data-id="${id}"] input[type=radio][value="${correct}"]`).check();
  await live.click();
  await page.locator(`.exercise[data-id="${id}"] [data-testid=exercise-feedback][data-correct=true]`).waitFor();
  await page.waitForFunction(() => /^1\//.test(document.querySelector('#toc li.current .toc-progress')?.textContent ?? ''));
  await page.reload();
  await page.evaluate((i) => document.querySelector(`.exercise[data-id="${i}"]`).scrollIntoView(), id);
  await page.locator(`.exercise[data-id="${id}"] [data-testid=exercise-feedback][data-correct=true]`).waitFor({ timeout: 20000 });
  assert.ok(await page.locator(`.exercise[data-id="${id}"] input[type=radio][value="${correct}"]`).isChecked());
  await page.goto(`${site.origin}/`);
  const cont = page.locator('[data-testid=continue]');
  await cont.waitFor({ timeout: 20000 });
  assert.match(await cont.innerText(), /Continue: 00/);
  assert.match(await cont.innerText(), /solved 1 exercise/);
  await cont.locator('button').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=continue]'));
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('multiace-exercise:')).length), 0);
  await page.close();
});

test('print: the whole book in one document, and a chapter prints without its controls', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/print`);
  assert.equal(await page.locator('section.print-chapter').count(), CHAPTERS.length);
  assert.ok(await page.locator('figure.print-widget img').count() >= 15, 'widgets as still pictures');
  const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
  assert.equal(new Set(ids).size, ids.length, 'ids are unique across chapters');
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 100000, `a PDF of the book (${pdf.length} bytes)`);
  await page.goto(chapter('01-atomic-cluster-expansion'));
  await page.locator('.widget-slot').first().scrollIntoViewIfNeeded();
  await page.locator('.widget-slot .widget[data-widget] canvas').first().waitFor({ timeout: 20000 });
  await page.emulateMedia({ media: 'print' });
  for (const sel of ['.site-header', '#toc', '.chapter-nav', '.copy-embed', '.widget input[type=range]']) {
    const shown = await page.locator(sel).evaluateAll((els) => els.filter((e) => getComputedStyle(e).display !== 'none').length);
    assert.equal(shown, 0, `${sel} is not printed`);
  }
  // widgets are kept whole on a page, with the state their controls set
  const split = await page.locator('.widget-slot, .widget').evaluateAll((els) => els
    .filter((e) => getComputedStyle(e).breakInside !== 'avoid').length);
  assert.equal(split, 0, 'no widget may break across pages');
  assert.ok(await page.locator('.widget-print-params').first().isVisible(), 'a printed widget says its parameters');
  await page.close();
});

test('phones: the header fits at 320, 360 and 390 px, light and dark', async () => {
  for (const width of [320, 360, 390]) {
    for (const theme of ['light', 'dark']) {
      const page = await newPage(site, { viewport: { width, height: 740 } });
      await page.addInitScript((t) => localStorage.setItem('multiace-theme', t), theme);
      await page.goto(chapter('03-mace'));
      const over = await page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
      assert.ok(over <= 0, `${width} px ${theme}: the page is ${over} px wider than the screen`);
      const right = await page.locator('.site-header .theme-toggle').evaluate((b) => b.getBoundingClientRect().right);
      assert.ok(right <= width, `${width} px ${theme}: the theme button ends at ${right}`);
      const brand = await page.locator('.site-header .brand').evaluate((b) => [b.scrollWidth, b.clientWidth]);
      assert.ok(brand[0] <= brand[1], `${width} px ${theme}: the book's name is cut (${brand})`);
      await page.close();
    }
  }
});

test('a reload comes back to the same place', async () => {
  const page = await newPage(site);
  await page.goto(chapter('02-equivariant-neural-networks'));
  const p = page.locator('article.chapter .prose p').nth(25);
  await p.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 150));
  await page.waitForTimeout(400);
  await page.reload();
  await page.waitForTimeout(1200);
  const top = await p.evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(Math.abs(top - 150) < 150, `after the reload the paragraph is at ${top} px, not 150 px`);
  await page.close();
});

test('phones: a 3D view lets a vertical swipe scroll the page until it is tapped', async () => {
  const page = await newPage(site, { viewport: { width: 390, height: 740 } });
  await page.goto(chapter('00-fundamentals'));
  const view = page.locator('.widget-slot canvas.view3d').first();
  await page.locator('.widget-slot').first().scrollIntoViewIfNeeded();
  await view.waitFor({ timeout: 20000 });
  assert.equal(await view.evaluate((c) => getComputedStyle(c).touchAction), 'pan-y pinch-zoom');
  await view.focus();
  assert.equal(await view.evaluate((c) => getComputedStyle(c).touchAction), 'none', 'a tapped (focused) view takes every gesture');
  await page.close();
});

test('resizing keeps the paragraph in view where it was', async () => {
  const page = await newPage(site);
  await page.goto(chapter('01-atomic-cluster-expansion'));
  const p = page.locator('article.chapter .prose p').nth(30);
  await p.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 200));
  await page.waitForTimeout(300);
  await page.setViewportSize({ width: 850, height: 800 });
  await page.waitForTimeout(500);
  const top = await p.evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(Math.abs(top - 200) < 400, `the paragraph moved from 200 px to ${top} px`);
  await page.close();
});
