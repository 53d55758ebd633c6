// The `ace-fit` widget: a linear ACE fitted in the page to the shipped ethanol data. The default fit
// finishes with sensible errors and reports its time, the page answers clicks during a fit, the URL
// sets the basis, a basis too large for a page is refused, the learning curve runs, and in the
// chapter the first fit waits until the widget is on screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSite, newPage, canvasIsDrawn } from './harness.mjs';

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

const W = '.widget[data-widget="ace-fit"]';
const value = async (page, id) => Number(await page.locator(`[data-testid=${id}]`).getAttribute('data-value'));
const waitState = (page, id, state, timeout = 60000) =>
  page.waitForSelector(`[data-testid=${id}][data-state=${state}]`, { timeout });

test('the default fit finishes with finite, sensible errors and reports its time', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/ace-fit`);
  await waitState(page, 'fit-status', 'done');
  // defaults: ν = 3, n_max = 3, l_max = 2, degree 5 → 3 × (1 + 145) unknowns
  assert.equal(await page.locator('[data-testid=fit-basis]').getAttribute('data-columns'), '438');
  const force = await value(page, 'fit-test-force-rmse');
  const energy = await value(page, 'fit-test-energy-rmse');
  const trainForce = await value(page, 'fit-train-force-rmse');
  const ms = await value(page, 'fit-ms');
  // measured (release build, headless Chromium): 0.18 eV/Å, 5.2 meV/atom, 0.3–0.4 s
  assert.ok(Number.isFinite(force) && force > 0.02 && force < 0.4, `test force RMSE ${force} eV/Å`);
  assert.ok(Number.isFinite(energy) && energy > 0 && energy < 0.02, `test energy RMSE ${energy} eV/atom`);
  assert.ok(trainForce > 0 && trainForce <= force * 1.2, `train force RMSE ${trainForce} vs test ${force}`);
  assert.ok(Number.isFinite(ms) && ms > 0, `fit time ${ms} ms`);
  console.log(`default fit: ${ms.toFixed(0)} ms, test force RMSE ${(1e3 * force).toFixed(1)} meV/Å, energy ${(1e3 * energy).toFixed(2)} meV/atom`);
  assert.match(await page.locator('[data-testid=fit-ms]').innerText(), /\d\.\d\d s wall time/);
  for (const canvas of await page.locator(`${W} canvas.parity`).all()) {
    await page.waitForFunction((c) => Number(c.getAttribute('data-draws')) > 0, await canvas.elementHandle());
    assert.ok(await canvasIsDrawn(canvas), 'a parity plot is blank');
  }
  // nothing left the origin, nothing went wrong
  for (const url of page.requests) assert.ok(url.startsWith(site.origin) || url.startsWith('data:'), url);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the page stays responsive during a fit: the progress bar moves and a click is answered', async () => {
  const page = await newPage(site);
  // a longer fit: 765 unknowns, 300 structures (about 3 s)
  await page.goto(`${site.origin}/embed/ace-fit?degree=6&ntrain=300`);
  await waitState(page, 'fit-status', 'fitting');
  const seen = new Set();
  for (let i = 0; i < 8; i++) {
    seen.add(await page.locator('[data-testid=fit-progress]').getAttribute('value'));
    await page.waitForTimeout(60);
  }
  assert.ok(seen.size >= 3, `the progress bar showed only ${[...seen]}`);
  // raise ν by a click during the fit: the basis size answers at once, the fit goes on
  const columns = page.locator('[data-testid=fit-basis]');
  assert.equal(await columns.getAttribute('data-columns'), '765');
  await page.getByRole('button', { name: 'increase ν (order)' }).click({ timeout: 2000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=fit-basis]')
    .getAttribute('data-columns') !== '765', null, { timeout: 2000 });
  assert.equal(await page.locator('[data-testid=fit-status]').getAttribute('data-state'), 'fitting',
    'the click was answered only after the fit');
  await waitState(page, 'fit-status', 'done');
  assert.match(await page.locator('[data-testid=fit-settings]').innerText(), /ν = 3.*controls have changed/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('URL parameters set the basis and the training set; bad ones give a notice', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/ace-fit?nu=2&nmax=2&lmax=1&degree=none&ntrain=20&basis=chebyshev&rcut=3.5&ridge=1e-6`);
  await waitState(page, 'fit-status', 'done');
  assert.equal(await page.locator('[data-testid=fit-basis]').getAttribute('data-columns'), '147');
  const settings = await page.locator('[data-testid=fit-settings]').innerText();
  assert.match(settings, /ν = 2, n_max = 2, l_max = 1, degree none, chebyshev r_cut = 3.5 Å, ridge 1.0\s×\s10⁻⁶, 20 training structures/);
  assert.match(await page.locator('[data-testid=fit-train]').innerText(), /\(20\)/);
  assert.ok(Number.isFinite(await value(page, 'fit-test-force-rmse')));
  assert.equal(await page.locator('.widget-notice').count(), 0);
  await page.close();

  const bad = await newPage(site);
  await bad.goto(`${site.origin}/embed/ace-fit?nu=9&ridge=banana&ntrain=-4&basis=spline`);
  await bad.locator('.widget-notice').first().waitFor();
  const notices = (await bad.locator('.widget-notice').allInnerTexts()).join('\n');
  for (const key of ['nu', 'ridge', 'ntrain', 'basis']) assert.match(notices, new RegExp(`^${key}:`, 'm'));
  // ν clamped to 4 (degree 5): 3 × (1 + 190) unknowns
  assert.equal(await bad.locator('[data-testid=fit-basis]').getAttribute('data-columns'), '573');
  assert.deepEqual(bad.errors, []);
  await bad.close();
});

test('a basis too large for a page is refused with a message', async () => {
  const page = await newPage(site);
  const t0 = Date.now();
  await page.goto(`${site.origin}/embed/ace-fit?nu=4&nmax=8&lmax=6&degree=none`);
  const basis = page.locator('[data-testid=fit-basis]');
  await basis.waitFor();
  assert.equal(await basis.getAttribute('data-state'), 'refused');
  assert.match(await basis.innerText(), /more than 1500 unknowns.*Lower ν, n_max, l_max or the degree/s);
  assert.ok(await page.locator('[data-testid=fit-run]').isDisabled());
  assert.ok(Date.now() - t0 < 10000, 'the size check took too long');
  await page.waitForTimeout(500);
  assert.equal(await page.locator('[data-testid=fit-status]').getAttribute('data-state'), 'idle');
  // back to a small basis: the refusal goes away and Fit is enabled
  for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'decrease l_max' }).click();
  await page.getByRole('button', { name: 'decrease ν (order)' }).click();
  await page.getByRole('button', { name: 'decrease ν (order)' }).click();
  assert.equal(await basis.getAttribute('data-state'), 'ok');
  assert.ok(await page.locator('[data-testid=fit-run]').isEnabled());
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the learning curve fits six training-set sizes and draws them', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/ace-fit`);
  await waitState(page, 'fit-status', 'done');
  await page.locator('[data-testid=fit-curve-run]').click();
  await waitState(page, 'curve-status', 'done', 120000);
  const curve = page.locator('[data-testid=fit-curve]');
  const points = (await curve.getAttribute('data-value')).split(';').map((p) => p.split(':').map(Number));
  assert.deepEqual(points.map((p) => p[0]), [10, 25, 50, 100, 200, 300]);
  for (const [, f, e] of points) assert.ok(Number.isFinite(f) && Number.isFinite(e) && f > 0 && e > 0);
  assert.ok(points[5][1] < points[0][1], 'the test force error did not fall with more data');
  await page.waitForFunction((c) => Number(c.getAttribute('data-draws')) > 0, await curve.elementHandle());
  assert.ok(await canvasIsDrawn(curve), 'the learning curve is blank');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('in the chapter the first fit waits until the widget is on screen', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/chapter/01-atomic-cluster-expansion`);
  // Just below the screen: near enough to mount (src/islands.rs mounts a screen ahead), not seen.
  await page.locator('.widget-slot[data-widget="ace-fit"]').evaluate((slot) => {
    window.scrollTo(0, slot.getBoundingClientRect().top + window.scrollY - 1.5 * window.innerHeight);
  });
  const status = page.locator(`${W} [data-testid=fit-status]`);
  await status.waitFor({ state: 'attached' });
  await page.waitForTimeout(500);
  assert.equal(await status.getAttribute('data-state'), 'idle');
  await page.locator(W).scrollIntoViewIfNeeded();
  await waitState(page, 'fit-status', 'done');
  assert.ok(Number.isFinite(await value(page, 'fit-test-force-rmse')));
  assert.deepEqual(page.errors, []);
  await page.close();
});
