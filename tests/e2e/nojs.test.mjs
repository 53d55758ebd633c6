// Reading without JavaScript: every chapter page, as the host serves it, is the finished page —
// its headings, its text to the last paragraph, its math, contents and previous/next links, a
// placeholder with title and picture for each widget, exercises that answer (choice questions by
// CSS, the others with their answer behind "Show the answer") — and nothing on it is broken.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CHAPTERS, serveWithBrowser } from './harness.mjs';

let served;
let origin;
let browser;
before(async () => {
  served = await serveWithBrowser();
  ({ origin, browser } = served);
});
after(async () => { await served?.close(); });

/** What the Markdown source promises: its `## ` headings, widget and exercise blocks, and the
 * last paragraph's opening words (text outside code fences). */
function source(slug) {
  const md = fs.readFileSync(path.resolve('chapters', `${slug.replace(/-/g, '_')}.md`), 'utf8');
  const outside = md.replace(/```[\s\S]*?```/g, '');
  const paragraphs = outside.split(/\n\s*\n/).map((p) => p.trim())
    .filter((p) => /^[A-Z]/.test(p) && !p.includes('$') && !p.includes('[') && !p.includes('*') && !p.includes('`'));
  const last = paragraphs.at(-1)?.split(/\s+/).slice(0, 6).join(' ');
  return {
    headings: (md.match(/^## .+$/gm) ?? []).length,
    widgets: (md.match(/^```widget/gm) ?? []).length,
    exercises: (md.match(/^```exercise/gm) ?? []).length,
    dollars: (outside.match(/\$/g) ?? []).length,
    last,
  };
}

async function page(width = 1280) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 800 } });
  const p = await context.newPage();
  p.failed = [];
  p.on('response', (r) => { if (r.status() >= 400) p.failed.push(`${r.status()} ${r.url()}`); });
  // With scripts off, Chromium drops the module preload of trunk's JS and wasm: expected.
  p.on('requestfailed', (r) => { if (!/\.(js|wasm)$/.test(r.url())) p.failed.push(`failed ${r.url()}`); });
  return p;
}

test('with JavaScript off, every chapter shows its full text, math, contents and links', async () => {
  for (const slug of CHAPTERS) {
    const want = source(slug);
    const p = await page();
    await p.goto(`${origin}/chapter/${slug}`, { waitUntil: 'load' });
    const article = p.locator(`article.chapter[data-slug="${slug}"]`);
    assert.equal(await article.count(), 1, `${slug}: the article is in the served HTML`);
    assert.equal(await article.locator('h2[id]').count(), want.headings, `${slug}: every section heading`);
    assert.equal(await p.locator('.toc .toc-sections a').count(), want.headings, `${slug}: the contents list its sections`);
    assert.ok(await p.locator('.toc-chapters > li').count() >= CHAPTERS.length, `${slug}: the chapters in the contents`);
    const text = await article.innerText();
    if (want.last) assert.ok(text.replace(/\s+/g, ' ').includes(want.last), `${slug}: the last paragraph ("${want.last}…")`);
    const maths = await article.locator('math').count();
    // Each formula has two dollars ($…$) or four ($$…$$): at least a quarter as many formulas.
    assert.ok(maths >= want.dollars / 4, `${slug}: ${maths} formulas for ${want.dollars} dollar signs`);
    assert.equal(await article.locator('merror').count(), 0, `${slug}: no math errors`);
    assert.ok(!text.includes('&nbsp;') && !text.includes('please enable JavaScript'), `${slug}: clean text`);
    assert.equal(await article.locator('.widget-slot').count(), want.widgets, `${slug}: a placeholder per widget`);
    for (const slot of await article.locator('.widget-slot').all()) {
      assert.ok((await slot.locator('.widget-name').innerText()).length > 3, `${slug}: a widget title`);
      const box = await slot.boundingBox();
      assert.ok(box.height > 400, `${slug}: the placeholder has the widget's size (${box.height}px)`);
    }
    for (const img of await article.locator('img').all()) {
      await img.scrollIntoViewIfNeeded();
      assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), `${slug}: picture ${await img.getAttribute('src')}`);
    }
    assert.equal(await article.locator('.exercise').count(), want.exercises, `${slug}: every exercise`);
    const index = CHAPTERS.indexOf(slug);
    if (index > 0) assert.equal(await p.locator(`a[rel="prev"][href$="/chapter/${CHAPTERS[index - 1]}"]`).count(), 1);
    if (index < CHAPTERS.length - 1) assert.equal(await p.locator(`a[rel="next"][href$="/chapter/${CHAPTERS[index + 1]}"]`).count(), 1);
    assert.equal(await p.locator('#loading').count(), 0, `${slug}: no loading message`);
    assert.deepEqual(p.failed, [], `${slug}: every request succeeds`);
    await p.context().close();
  }
});

test('with JavaScript off, a choice exercise says right or wrong and the others show their answer', async () => {
  const p = await page();
  await p.goto(`${origin}/chapter/00-fundamentals`);
  const choice = p.locator('.exercise[data-kind="choices"]').first();
  await choice.locator('input:not([data-right])').first().check();
  assert.ok(await choice.locator('.nojs-wrong').isVisible(), 'a wrong option is marked wrong');
  assert.ok(!(await choice.locator('.nojs-right').isVisible()));
  await choice.locator('input[data-right]').check();
  assert.ok(await choice.locator('.nojs-right').isVisible(), 'the right option is marked right');
  assert.ok(!(await choice.locator('.nojs-wrong').isVisible()));
  assert.ok(!(await choice.locator('button.check').isVisible()), 'no Check button that does nothing');
  const other = p.locator('.exercise:not([data-kind="choices"])').first();
  const reveal = other.locator('details.nojs-answer');
  await reveal.locator('summary').click();
  assert.match(await reveal.innerText(), /Answer:/);
  await p.context().close();
});

test('with JavaScript off, a phone shows the contents above the text and scrolls only down', async () => {
  const p = await page(360);
  await p.goto(`${origin}/chapter/01-atomic-cluster-expansion`);
  assert.ok(await p.locator('#toc').isVisible(), 'the contents are reachable');
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
  await p.context().close();
});
