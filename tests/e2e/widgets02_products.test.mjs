// The chapter-02 widgets `irreps-calculator` and `vector-products`: they render (embedded and in
// chapter 02), the calculator follows typed irreps (the full product of two vectors, a malformed
// term named under its input with the previous result kept, the weight count of a fully connected
// product with a filter), both read their URL, and dragging a vector changes the 0e part while the
// live equivariance error stays at rounding level; inverting both vectors leaves the 1e part alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSite, newPage, canvasIsDrawn, mountWidgets } from './harness.mjs';

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

const IC = '.widget[data-widget="irreps-calculator"]';
const VP = '.widget[data-widget="vector-products"]';

/** The `data-value` of a test hook as a number. */
async function value(page, testid) {
  return Number(await page.locator(`[data-testid=${testid}]`).first().getAttribute('data-value'));
}

async function irrepsOut(page) {
  return (await page.locator(`${IC} [data-testid=tp-irreps-out]`).textContent()).trim();
}

async function openCalculator(query = '') {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/irreps-calculator${query}`);
  await page.waitForSelector(`${IC} [data-testid=tp-irreps-out]`, { timeout: 15000 });
  return page;
}

async function openProducts(query = '') {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/vector-products${query}`);
  await page.waitForSelector(`${VP} canvas.vp-scene[data-draws][data-tip-a]`, { timeout: 15000 });
  return page;
}

/** Page coordinates of tip `k` ('a' or 'b') of the scene canvas. */
async function tip(page, k) {
  const canvas = page.locator(`${VP} canvas.vp-scene`);
  const box = await canvas.boundingBox();
  const [x, y] = (await canvas.getAttribute(`data-tip-${k}`)).split(',').map(Number);
  return { x: box.x + x, y: box.y + y, box };
}

test('both widgets render, embedded and in chapter 02, without console errors', async () => {
  for (const route of ['/embed/irreps-calculator', '/embed/vector-products', '/chapter/02-equivariant-neural-networks']) {
    const page = await newPage(site);
    await page.goto(site.origin + route);
    await mountWidgets(page);
    if (route !== '/embed/vector-products') {
      await page.locator(IC).first().scrollIntoViewIfNeeded({ timeout: 15000 });
      // the chapter's block is `a=2x0e+1x1o b=1x1o+1x2e`: its `+` must survive the query string
      assert.equal(await irrepsOut(page), '1x0e+3x1o+1x1e+1x2o+3x2e+1x3o', route);
      assert.equal(await page.locator(`${IC} [data-testid=tp-paths] li`).count(), 8);
      assert.equal(await page.locator(`${IC} [data-testid=tp-error]`).count(), 0);
    }
    if (route !== '/embed/irreps-calculator') {
      await page.locator(VP).first().scrollIntoViewIfNeeded({ timeout: 15000 });
      await page.waitForFunction(
        (sel) => [...document.querySelectorAll(`${sel} canvas`)].every((c) => c.hasAttribute('data-draws')),
        VP, { timeout: 15000 });
      for (const canvas of await page.locator(`${VP} canvas`).all()) {
        assert.ok(await canvasIsDrawn(canvas), `a vector-products canvas is blank on ${route}`);
      }
      const err = await value(page, 'vp-equivariance');
      assert.ok(Number.isFinite(err) && err < 1e-12, `equivariance error ${err}`);
      for (const canvas of await page.locator(`${VP} canvas`).all()) {
        const ms = Number(await canvas.getAttribute('data-draw-ms'));
        console.log(`# ${route} ${await canvas.getAttribute('class')}: data-draw-ms ${ms}`);
      }
    }
    assert.deepEqual(page.errors, [], `errors on ${route}`);
    await page.close();
  }
});

test('typed irreps update the outputs: 1x1o ⊗ 1x1o = 1x0e+1x1e+1x2e', async () => {
  const page = await openCalculator();
  await page.fill(`${IC} input[data-field=a]`, '1x1o');
  await page.fill(`${IC} input[data-field=b]`, '1x1o');
  assert.equal(await irrepsOut(page), '1x0e+1x1e+1x2e');
  const items = page.locator(`${IC} [data-testid=tp-paths] li`);
  assert.equal(await items.count(), 3);
  assert.match(await items.nth(1).textContent(), /1x1o ⊗ 1x1o → 1x1e/);
  assert.equal(await value(page, 'tp-num-weights'), 0);
  assert.equal(await page.locator(`${IC} [data-testid=tp-dims]`).getAttribute('data-out'), '9');
  // flipping a parity flips the output parities
  await page.fill(`${IC} input[data-field=b]`, '1x1e');
  assert.equal(await irrepsOut(page), '1x0o+1x1o+1x2o');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a malformed term is named under its input and the previous result stays, greyed', async () => {
  const page = await openCalculator();
  const before = await irrepsOut(page);
  await page.fill(`${IC} input[data-field=a]`, '2x0e+1x1q');
  const error = page.locator(`${IC} [data-testid=tp-error]`);
  await error.waitFor({ timeout: 5000 });
  assert.equal(await error.count(), 1);
  assert.equal(await error.getAttribute('data-input'), 'a');
  assert.match(await error.textContent(), /1x1q/);
  assert.equal(await irrepsOut(page), before, 'the previous result is kept');
  assert.ok(await page.locator(`${IC} .tp-results.stale`).count() === 1, 'the kept result is marked stale');
  // a bad filter is reported under the filter
  await page.fill(`${IC} input[data-field=a]`, '2x0e+1x1o');
  assert.equal(await error.count(), 0);
  await page.fill(`${IC} input[data-field=filter]`, '3xo');
  assert.equal(await page.locator(`${IC} [data-testid=tp-error]`).getAttribute('data-input'), 'filter');
  await page.fill(`${IC} input[data-field=filter]`, '');
  assert.equal(await page.locator(`${IC} [data-testid=tp-error]`).count(), 0);
  assert.equal(await page.locator(`${IC} .tp-results.stale`).count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('with a filter: FullyConnectedTensorProduct(2x0e+1x1o, 1x1o, 3x1o) has 6 weights', async () => {
  const page = await openCalculator();
  await page.fill(`${IC} input[data-field=a]`, '2x0e+1x1o');
  await page.fill(`${IC} input[data-field=b]`, '1x1o');
  await page.fill(`${IC} input[data-field=filter]`, '3x1o');
  assert.equal(await value(page, 'tp-num-weights'), 6);
  const items = page.locator(`${IC} [data-testid=tp-paths] li`);
  assert.equal(await items.count(), 1);
  assert.match(await items.first().textContent(), /2x0e ⊗ 1x1o → 3x1o/);
  // the full product is still shown above
  assert.equal(await irrepsOut(page), '1x0e+2x1o+1x1e+1x2e');
  // adding 1x1e to the filter adds the cross-product path: 6 + 1·1·1
  await page.fill(`${IC} input[data-field=filter]`, '3x1o+1x1e');
  assert.equal(await value(page, 'tp-num-weights'), 7);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('URL parameters: irreps-calculator', async () => {
  // `+` in a query value arrives as a space; %2B is a literal plus: both work
  let page = await openCalculator('?a=2x0e%2B1x1o&b=1x1o&filter=3x1o');
  assert.equal(await value(page, 'tp-num-weights'), 6);
  assert.equal(await page.locator(`${IC} input[data-field=filter]`).inputValue(), '3x1o');
  assert.equal(await page.locator(`${IC} .widget-notice`).count(), 0);
  await page.close();
  page = await openCalculator('?a=1x1o+1x2e&b=1x1o');
  assert.equal(await irrepsOut(page), '1x0e+1x1o+1x1e+1x2o+1x2e+1x3o');
  await page.close();
  // a malformed value: a notice naming the parameter, and the default
  page = await openCalculator('?a=banana&b=1x1o');
  const notice = page.locator(`${IC} .widget-notice`);
  assert.equal(await notice.count(), 1);
  assert.match(await notice.textContent(), /^a: .*banana.*using 2x0e\+1x1o/);
  assert.equal(await page.locator(`${IC} input[data-field=a]`).inputValue(), '2x0e+1x1o');
  assert.equal(await irrepsOut(page), '1x0e+2x1o+1x1e+1x2e');
  assert.deepEqual(page.errors, []);
  await page.close();
  // valid irreps whose product the page cannot compute (l > 20): a notice, and the defaults
  page = await openCalculator('?a=1x20e&b=1x1o');
  assert.match(await page.locator(`${IC} .widget-notice`).textContent(), /l = 21/);
  assert.equal(await irrepsOut(page), '1x0e+3x1o+1x1e+1x2o+3x2e+1x3o');
  await page.close();
  // the widget writes its state back to the URL (embedded mode)
  page = await openCalculator();
  await page.fill(`${IC} input[data-field=a]`, '1x1o');
  await page.locator(`${IC} input[data-field=a]`).press('Enter');
  await page.waitForFunction(() => location.search.includes('a=1x1o'), null, { timeout: 5000 });
  await page.close();
});

test('URL parameters: vector-products', async () => {
  // perpendicular vectors: the 0e part vanishes
  let page = await openProducts('?a=1,0,0&b=0,1,0&alpha=0&beta=0&gamma=0');
  assert.ok(Math.abs(await value(page, 'vp-dot')) < 1e-15);
  assert.equal(await page.locator(`${VP} .widget-notice`).count(), 0);
  await page.close();
  // equal vectors: 0e = a·b/√3 = 1/√3
  page = await openProducts('?a=0,2,0&b=0,1,0');
  assert.ok(Math.abs(await value(page, 'vp-dot') - 1 / Math.sqrt(3)) < 1e-12);
  await page.close();
  page = await openProducts('?a=banana&b=0,0,0&beta=99');
  const notices = await page.locator(`${VP} .widget-notice`).allTextContents();
  assert.equal(notices.length, 3, notices.join(' | '));
  assert.match(notices[0], /^a: /);
  assert.match(notices[1], /^b: /);
  assert.match(notices[2], /^beta: /);
  assert.ok(await canvasIsDrawn(page.locator(`${VP} canvas.vp-scene`)));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('dragging a vector changes the 0e part; the equivariance error stays < 1e-12', async () => {
  const page = await openProducts();
  const dot0 = await value(page, 'vp-dot');
  // drag the tip of a across the sphere
  const a = await tip(page, 'a');
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  const cx = a.box.x + a.box.width / 2;
  const cy = a.box.y + a.box.height / 2;
  for (let i = 1; i <= 10; i++) {
    await page.mouse.move(a.x + (cx - 40 - a.x) * i / 10, a.y + (cy + 60 - a.y) * i / 10);
  }
  await page.mouse.up();
  await page.waitForTimeout(100);
  const dot1 = await value(page, 'vp-dot');
  assert.ok(Math.abs(dot1 - dot0) > 1e-3, `0e part did not change (${dot0} → ${dot1})`);
  let err = await value(page, 'vp-equivariance');
  assert.ok(Number.isFinite(err) && err < 1e-12, `equivariance error ${err}`);
  // b is picked too (its handle is selected after the grab)
  const b = await tip(page, 'b');
  await page.mouse.move(b.x, b.y);
  await page.mouse.down();
  for (let i = 1; i <= 6; i++) await page.mouse.move(b.x + 8 * i, b.y + 5 * i);
  await page.mouse.up();
  await page.waitForTimeout(100);
  assert.equal(await page.locator(`${VP} button.chip[aria-pressed=true]`).first().textContent(), 'b');
  const dot2 = await value(page, 'vp-dot');
  assert.ok(Math.abs(dot2 - dot1) > 1e-3, 'dragging b changed nothing');
  // rotating the scene (drag on empty space, a corner) moves both vectors: 0e stays, the check holds
  const box = a.box;
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 20 + 9 * i, box.y + 20 + 4 * i);
  await page.mouse.up();
  await page.waitForTimeout(100);
  assert.ok(Math.abs(await value(page, 'vp-dot') - dot2) < 1e-12, 'rotating the scene changed the 0e part');
  err = await value(page, 'vp-equivariance');
  assert.ok(err < 1e-12, `equivariance error after a scene rotation ${err}`);
  // keyboard: focus, arrows move the selected vector; Shift+Tab selects a
  const canvas = page.locator(`${VP} canvas.vp-scene`);
  await canvas.focus();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.locator(`${VP} button.chip[aria-pressed=true]`).first().textContent(), 'a');
  const tipBefore = await canvas.getAttribute('data-tip-a');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  await page.waitForTimeout(100);
  assert.notEqual(await canvas.getAttribute('data-tip-a'), tipBefore, 'arrow keys did not move a');
  assert.ok(Math.abs(await value(page, 'vp-dot') - dot2) > 1e-4, 'arrow keys did not change a·b');
  assert.ok(await value(page, 'vp-equivariance') < 1e-12);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('inverting both vectors leaves the 1e part (a pseudovector) and the 0e part unchanged', async () => {
  const page = await openProducts();
  const cross = await page.locator('[data-testid=vp-cross]').getAttribute('data-value');
  const dot = await value(page, 'vp-dot');
  const tipA = await page.locator(`${VP} canvas.vp-scene`).getAttribute('data-tip-a');
  assert.equal(await value(page, 'vp-parity'), 0);
  await page.check(`${VP} input[type=checkbox]`);
  await page.waitForTimeout(100);
  assert.notEqual(await page.locator(`${VP} canvas.vp-scene`).getAttribute('data-tip-a'), tipA, 'a did not flip');
  assert.equal(await page.locator('[data-testid=vp-cross]').getAttribute('data-value'), cross);
  assert.equal(await value(page, 'vp-dot'), dot);
  assert.equal(await value(page, 'vp-parity'), 0);
  assert.ok(await value(page, 'vp-equivariance') < 1e-12);
  assert.deepEqual(page.errors, []);
  await page.close();
});
