// Exercises give instant feedback: a wrong answer is marked wrong, the right one right.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSite, newPage } from './harness.mjs';

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

test('chapter 00 has at least three exercises, and each answers a check', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/chapter/00-fundamentals`);
  await page.waitForSelector('article.chapter .exercise');
  const exercises = page.locator('.exercise');
  const count = await exercises.count();
  assert.ok(count >= 3, `only ${count} exercises`);
  for (let i = 0; i < count; i++) {
    // The static exercise (data-kind) becomes the live one when it comes near the viewport.
    const id = await exercises.nth(i).getAttribute('data-id');
    await exercises.nth(i).scrollIntoViewIfNeeded();
    const ex = page.locator(`.exercise[data-id="${id}"]:not([data-kind])`);
    await ex.waitFor({ timeout: 20000 });
    const text = ex.locator('input[type=text], input:not([type])');
    if (await text.count()) await text.first().fill('999');
    else await ex.locator('input[type=radio]').first().check();
    await ex.locator('button.check').click();
    const feedback = ex.locator('[data-testid=exercise-feedback]');
    await feedback.waitFor();
    assert.ok(['true', 'false'].includes(await feedback.getAttribute('data-correct')));
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the 2 ⊗ 3 exercise accepts the right set in any order and rejects a wrong one', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/chapter/00-fundamentals`);
  await page.waitForSelector('.exercise');
  await page.locator('.exercise[data-id="ch00-cg-2x3"]').scrollIntoViewIfNeeded();
  const ex = page.locator('.exercise[data-id="ch00-cg-2x3"]:not([data-kind])');
  await ex.waitFor({ timeout: 20000 });
  const input = ex.locator('input').first();
  const feedback = ex.locator('[data-testid=exercise-feedback]');
  await input.fill('1, 2, 3');
  await ex.locator('button.check').click();
  assert.equal(await feedback.getAttribute('data-correct'), 'false');
  await input.fill('5,4,3,2, 1');
  await ex.locator('button.check').click();
  assert.equal(await feedback.getAttribute('data-correct'), 'true');
  await page.close();
});
