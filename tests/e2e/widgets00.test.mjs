// The chapter-00 widgets: they draw, respond to the reader, read their URL, and show numbers the
// core computed (equivariance errors at machine precision).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSite, newPage, canvasIsDrawn, CHAPTER00_WIDGETS, mountWidgets } from './harness.mjs';

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

test('every chapter-00 widget draws a non-blank canvas, in the chapter and embedded', async () => {
  for (const name of CHAPTER00_WIDGETS) {
    for (const route of [`/embed/${name}`, '/chapter/00-fundamentals']) {
      const page = await newPage(site);
      await page.goto(site.origin + route);
      await mountWidgets(page);
      const canvas = page.locator(`.widget[data-widget="${name}"] canvas`).first();
      await canvas.scrollIntoViewIfNeeded({ timeout: 15000 });
      await page.waitForFunction(
        (n) => document.querySelector(`.widget[data-widget="${n}"] canvas[data-draws]`),
        name, { timeout: 15000 });
      assert.ok(await canvasIsDrawn(canvas), `${name} canvas is blank on ${route}`);
      assert.deepEqual(page.errors, [], `errors on ${route}`);
      await page.close();
    }
  }
});

test('dragging the rotation canvas changes the matrix and keeps det = 1.000', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/rotation`);
  const matrix = page.locator('[data-testid=rotation-matrix]');
  await matrix.waitFor();
  const before = await matrix.innerText();
  const canvas = page.locator('.widget[data-widget="rotation"] canvas').first();
  const box = await canvas.boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(cx + 8 * i, cy + 3 * i);
  await page.mouse.up();
  await page.waitForTimeout(100);
  const after = await matrix.innerText();
  assert.notEqual(after, before, 'the matrix did not change');
  assert.equal((await page.locator('[data-testid=rotation-det]').innerText()).trim(), '1.000');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the rotation widget answers the arrow keys once focused', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/rotation`);
  const matrix = page.locator('[data-testid=rotation-matrix]');
  await matrix.waitFor();
  const before = await matrix.innerText();
  await page.locator('.widget[data-widget="rotation"] canvas').first().focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(100);
  assert.notEqual(await matrix.innerText(), before);
  await page.close();
});

test('/embed/sh-explorer?l=3&m=-2 shows l = 3, m = -2', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/sh-explorer?l=3&m=-2`);
  const label = page.locator('[data-testid=sh-lm]');
  await label.waitFor();
  assert.equal(await label.getAttribute('data-l'), '3');
  assert.equal(await label.getAttribute('data-m'), '-2');
  assert.match(await label.innerText(), /l\s*=\s*3,\s*m\s*=\s*[−-]2/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('/embed/sh-explorer?l=banana shows a message and still renders', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/sh-explorer?l=banana`);
  const notice = page.locator('.widget-notice');
  await notice.waitFor({ timeout: 15000 });
  assert.match(await notice.innerText(), /l/);
  await page.locator('[data-testid=sh-lm]').waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('absurd URL values are clamped with a notice, never a crash', async () => {
  const queries = {
    'sh-explorer': 'l=99999999999999999999&m=-7&norm=weird',
    equivariance: 'l=-3&x=NaN&y=inf&z=0&alpha=1e308',
    'clebsch-gordan': 'l1=100&l2=x&p1=q',
    rotation: 'molecule=unobtainium&alpha=NaN&invert=7',
  };
  for (const [name, query] of Object.entries(queries)) {
    const page = await newPage(site);
    await page.goto(`${site.origin}/embed/${name}?${query}`);
    await page.locator('.widget-notice').first().waitFor({ timeout: 15000 });
    await page.waitForTimeout(200);
    assert.deepEqual(page.errors, [], `errors for ${name}?${query}`);
    await page.close();
  }
});

test('the equivariance widget shows an error below 1e-12', async () => {
  for (const query of ['', '?l=10&alpha=0.3&beta=2.9&gamma=-1.2']) {
    const page = await newPage(site);
    await page.goto(`${site.origin}/embed/equivariance${query}`);
    const err = page.locator('[data-testid=equivariance-error]');
    await err.waitFor();
    const value = Number(await err.getAttribute('data-value'));
    assert.ok(Number.isFinite(value) && value < 1e-12, `error ${value}`);
    await page.close();
  }
});

test('the Clebsch–Gordan coupling commutes with rotations to below 1e-12', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/clebsch-gordan?l1=2&l2=3`);
  const check = page.locator('[data-testid=cg-check]');
  await check.waitFor();
  const value = Number(await check.getAttribute('data-value'));
  assert.ok(Number.isFinite(value) && value < 1e-12, `error ${value}`);
  await page.close();
});

test('the copy-embed button produces an iframe snippet for the widget', async () => {
  const page = await newPage(site);
  await site.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
  await page.goto(`${site.origin}/embed/sh-explorer?l=3&m=-2`);
  await page.locator('button.copy-embed').first().click();
  await page.waitForTimeout(200);
  const copied = await page.evaluate(async () => {
    try { return await navigator.clipboard.readText(); } catch { return ''; }
  });
  const shown = await page.locator('.widget textarea, .widget input[readonly]')
    .evaluateAll((fields) => fields.map((f) => f.value));
  const snippet = [copied, ...shown].find((s) => s.includes('<iframe')) ?? '';
  assert.match(snippet, /<iframe[^>]+src="[^"]*\/embed\/sh-explorer\?[^"]*l=3/);
  await page.close();
});
