// The chapter-04 widgets `design-space` and `body-order`: the published models as named points
// whose derived numbers are the ones the core computes (features' body order: MACE 13, BOTNet 6,
// ACE 5, NequIP unbounded), "Run it" on a runnable point (random-weight MACE, rotation invariance
// below 1e-9) and the reason a non-runnable point gives; the body-order table and recursion
// (ν = 2, T = 3 → 15), the hop colouring of ethanol around its hydroxyl H at r_cut = 3 Å (hop 1:
// four atoms, hop 2: the other four), URL round trips, clamped parameters and the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openSite, newPage, assertWidgetRendersCleanly } from './harness.mjs';

const CHAPTER = '/chapter/04-multi-ace-framework';
const DS = '.widget[data-widget="design-space"]';
const BO = '.widget[data-widget="body-order"]';
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-c';

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

async function openDs(query = '', options = {}) {
  const page = await newPage(site, options);
  await page.goto(`${site.origin}/embed/design-space${query}`);
  await page.waitForSelector(`${DS} [data-testid=ds-feature-body]`, { timeout: 20000 });
  await page.waitForFunction((sel) => document.querySelector(`${sel} canvas`)?.hasAttribute('data-draws'), DS, { timeout: 15000 });
  return page;
}

async function openBo(query = '', options = {}) {
  const page = await newPage(site, options);
  await page.goto(`${site.origin}/embed/body-order${query}`);
  await page.waitForSelector(`${BO} [data-testid=bo-reach]`, { timeout: 20000 });
  await page.waitForFunction((sel) => document.querySelector(`${sel} canvas`)?.hasAttribute('data-draws'), BO, { timeout: 15000 });
  return page;
}

const attr = (page, sel, name) => page.locator(sel).first().getAttribute(name);
const feature = (page) => attr(page, `${DS} [data-testid=ds-feature-body]`, 'data-value');
const energy = (page) => attr(page, `${DS} [data-testid=ds-energy-body]`, 'data-value');

/** A fingerprint of a canvas's pixels (to see that a drawing changed). */
function pixels(page, sel) {
  return page.locator(sel).evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 16) h = (h * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) >>> 0;
    return h;
  });
}

async function draws(page, sel) {
  return Number(await page.locator(sel).getAttribute('data-draws'));
}

async function setRange(page, sel, value) {
  const input = page.locator(`${sel} input[type=range]`);
  await input.fill(String(value));
  await input.dispatchEvent('change');
}

test('both widgets draw, embedded and in chapter 04, without errors or notices', async () => {
  for (const [name, sel, ready] of [
    ['design-space', DS, '[data-testid=ds-feature-body]'],
    ['body-order', BO, '[data-testid=bo-reach]'],
  ]) {
    for (const route of [`/embed/${name}`, CHAPTER]) {
      await assertWidgetRendersCleanly(site, { name, sel, ready, route });
    }
  }
});

test('design-space: every published model sets the controls and its derived numbers', async () => {
  const page = await openDs();
  // default: MACE
  assert.equal(await attr(page, `${DS} button.chip[data-model="MACE"]`, 'aria-pressed'), 'true');
  const expect = {
    ACE: { f: '5', e: '5', rf: '5' },
    SchNet: { f: 'unbounded', e: 'unbounded', rf: '15' },
    DimeNet: { f: 'unbounded', e: 'unbounded', rf: '35' },
    PaiNN: { f: 'unbounded', e: 'unbounded', rf: '15' },
    NequIP: { f: 'unbounded', e: 'unbounded', rf: '20' },
    Allegro: { f: 'unbounded', e: 'unbounded', rf: '5' },
    BOTNet: { f: '6', e: '6', rf: '20' },
    MACE: { f: '13', e: 'unbounded', rf: '10' },
  };
  for (const [name, want] of Object.entries(expect)) {
    await page.click(`${DS} button.chip[data-model="${name}"]`);
    await page.waitForFunction(([sel, n]) => document.querySelector(`${sel} [data-testid=ds-note]`)?.dataset.model === n, [DS, name]);
    assert.equal(await feature(page), want.f, `${name}: features`);
    assert.equal(await energy(page), want.e, `${name}: energy`);
    assert.equal(await attr(page, `${DS} [data-testid=ds-receptive]`, 'data-value'), want.rf, `${name}: receptive field`);
    assert.equal(await page.locator(`${DS} button.chip[aria-pressed="true"]`).count(), 1);
    assert.match(await page.locator(`${DS} [data-testid=ds-note] a`).getAttribute('href'), /^https:\/\//);
    assert.match(page.url(), new RegExp(`model=${name}&`));
  }
  // the reasons: a non-linear readout on 13-body features; a gate between layers
  await page.click(`${DS} button.chip[data-model="MACE"]`);
  assert.match(await page.locator(`${DS} [data-testid=ds-derived]`).innerText(), /non-linear readout of layer 2 acts on 13-body features/);
  assert.ok(Number(await attr(page, `${DS} [data-testid=ds-params]`, 'data-value')) > 1000);
  await page.click(`${DS} button.chip[data-model="NequIP"]`);
  assert.match(await page.locator(`${DS} [data-testid=ds-derived]`).innerText(), /non-linear update/);
  assert.equal(await attr(page, `${DS} [data-testid=ds-params]`, 'data-value'), '');
  // a control moves the point off the published one: no chip pressed, the URL lists the axes
  await page.click(`${DS} button.chip[data-model="MACE"]`);
  await page.selectOption(`${DS} [data-testid=ds-readout]`, 'linear');
  assert.equal(await energy(page), '13');
  assert.equal(await page.locator(`${DS} button.chip[aria-pressed="true"]`).count(), 0);
  assert.match(page.url(), /model=custom&basis=tp&layers=2&nu=3&lmax=3&L=2&update=linear&readout=linear&rcut=5&channels=16/);
  // a slider drag (input events, no release yet): the derived numbers catch up when it pauses
  await page.locator(`${DS} [data-testid=ds-layers] input[type=range]`).fill('3');
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=ds-feature-body]`)?.dataset.value === '40', DS, { timeout: 3000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('design-space: "Run it" runs MACE with random weights (invariant to 1e-9); NequIP says why not', async (t) => {
  const page = await openDs('?model=MACE');
  const times = [];
  for (const mol of ['ethanol', 'aspirin']) {
    await page.selectOption(`${DS} [data-testid=ds-molecule]`, mol);
    const t0 = Date.now();
    await page.click(`${DS} [data-testid=ds-run-button]`);
    await page.waitForSelector(`${DS} [data-testid=ds-run]`, { timeout: 30000 });
    const wall = Date.now() - t0;
    const de = Number(await attr(page, `${DS} [data-testid=ds-run]`, 'data-de'));
    const df = Number(await attr(page, `${DS} [data-testid=ds-run]`, 'data-df'));
    const e = Number(await attr(page, `${DS} [data-testid=ds-run]`, 'data-energy'));
    assert.ok(Number.isFinite(e), `energy ${e}`);
    assert.ok(de < 1e-9 && df < 1e-9, `${mol}: |ΔE| = ${de}, max |ΔF| = ${df}`);
    assert.equal(await attr(page, `${DS} [data-testid=ds-run]`, 'data-pass'), 'true');
    const build = await attr(page, `${DS} [data-testid=ds-run]`, 'data-build-ms');
    const evalMs = await attr(page, `${DS} [data-testid=ds-run]`, 'data-eval-ms');
    times.push(`${mol}: build ${build} ms, two evaluations ${evalMs} ms, click to result ${wall} ms; |ΔE| = ${de.toExponential(1)}, max |ΔF| = ${df.toExponential(1)}`);
  }
  // a bigger point: 3 layers of ν = 3, L_max = 3
  await page.goto(`${site.origin}/embed/design-space?model=custom&layers=3&nu=3&lmax=3&L=3&update=linear&readout=nonlinear&channels=16`);
  await page.waitForSelector(`${DS} [data-testid=ds-feature-body]`);
  assert.equal(await feature(page), '40');
  // the derived quantities (parameters build the U matrices) are computed once per change
  await setRange(page, `${DS} [data-testid=ds-channels]`, 64);
  const deriveMs = Number(await attr(page, `${DS} [data-testid=ds-derived]`, 'data-derive-ms'));
  times.push(`derived quantities of T=3 ν=3 l=3 L=3 64 channels: ${deriveMs} ms`);
  assert.ok(Number.isFinite(deriveMs) && deriveMs >= 0, `derived quantities took ${deriveMs} ms`);
  await setRange(page, `${DS} [data-testid=ds-channels]`, 16);
  const t0 = Date.now();
  await page.click(`${DS} [data-testid=ds-run-button]`);
  await page.waitForSelector(`${DS} [data-testid=ds-run]`, { timeout: 60000 });
  times.push(`T=3 ν=3 L=3 ethanol: build ${await attr(page, `${DS} [data-testid=ds-run]`, 'data-build-ms')} ms, evaluations ${await attr(page, `${DS} [data-testid=ds-run]`, 'data-eval-ms')} ms, click to result ${Date.now() - t0} ms`);
  assert.equal(await attr(page, `${DS} [data-testid=ds-run]`, 'data-pass'), 'true');
  for (const line of times) { t.diagnostic(line); console.log(`design-space run: ${line}`); }
  // NequIP: non-linear updates are not part of the MACE code
  await page.click(`${DS} button.chip[data-model="NequIP"]`);
  assert.equal(await page.locator(`${DS} [data-testid=ds-run]`).count(), 0, 'a result outlives its point');
  await page.click(`${DS} [data-testid=ds-run-button]`);
  const why = await page.locator(`${DS} [data-testid=ds-run-error]`).innerText();
  assert.match(why, /non-linear updates/);
  // DimeNet: six layers and its basis are beyond what the book runs
  await page.click(`${DS} button.chip[data-model="DimeNet"]`);
  await page.click(`${DS} [data-testid=ds-run-button]`);
  assert.match(await page.locator(`${DS} [data-testid=ds-run-error]`).innerText(), /non-linear|layers|basis/);
  // one layer: mace-torch reads it out linearly, so a non-linear readout does not run and a linear one does
  await page.goto(`${site.origin}/embed/design-space?model=custom&layers=1&nu=2&lmax=2&L=1&update=linear&readout=nonlinear&channels=8`);
  await page.waitForSelector(`${DS} [data-testid=ds-feature-body]`);
  await page.click(`${DS} [data-testid=ds-run-button]`);
  assert.match(await page.locator(`${DS} [data-testid=ds-run-error]`).innerText(), /one-layer model out linearly/);
  await page.selectOption(`${DS} [data-testid=ds-readout]`, 'linear');
  assert.equal(await energy(page), '3');
  await page.click(`${DS} [data-testid=ds-run-button]`);
  await page.waitForSelector(`${DS} [data-testid=ds-run]`, { timeout: 30000 });
  assert.equal(await attr(page, `${DS} [data-testid=ds-run]`, 'data-pass'), 'true');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('design-space: URL round trip, per-layer ν, clamped values with notices', async () => {
  const q = '?model=custom&basis=ace&layers=3&nu=3,2,1&lmax=2&L=1&update=linear&readout=linear&rcut=4.5&channels=8&molecule=water&seed=7';
  const page = await openDs(q);
  // n = 3, 2·4 = 8, 1·9 = 9 → 10
  assert.equal(await feature(page), '10');
  assert.equal(await energy(page), '10');
  assert.equal(await attr(page, `${DS} [data-testid=ds-receptive]`, 'data-value'), '13.5');
  assert.equal(await attr(page, `${DS} [data-testid=ds-features]`, 'data-value'), String(8 * 4));
  assert.equal(await attr(page, `${DS} [data-testid=ds-message]`, 'data-value'), String(8 * 9));
  assert.equal(await page.locator(`${DS} select[data-layer]`).count(), 3);
  assert.equal(await page.locator(`${DS} select[data-layer="2"]`).inputValue(), '2');
  assert.equal(await page.locator(`${DS} [data-testid=ds-molecule]`).inputValue(), 'water');
  assert.equal(await page.locator(`${DS} [data-testid=ds-seed]`).inputValue(), '7');
  assert.equal(await page.locator(`${DS} .widget-notice`).count(), 0);
  // change ν of layer 3, then a slider: the URL follows and reloads to the same point
  await page.selectOption(`${DS} select[data-layer="3"]`, '2');
  assert.equal(await feature(page), '19');
  await setRange(page, `${DS} [data-testid=ds-channels]`, 32);
  const url = page.url();
  assert.match(url, /nu=3,2,2/);
  assert.match(url, /channels=32/);
  await page.goto(url);
  await page.waitForSelector(`${DS} [data-testid=ds-feature-body]`);
  assert.equal(await feature(page), '19');
  assert.equal(await attr(page, `${DS} [data-testid=ds-features]`, 'data-value'), String(32 * 4));
  assert.equal(await page.locator(`${DS} [data-testid=ds-basis]`).inputValue(), 'ace');
  // the "same ν" toggle collapses the layers to one control
  await page.check(`${DS} [data-testid=ds-uniform]`);
  assert.equal(await page.locator(`${DS} select[data-layer]`).count(), 0);
  assert.equal(await feature(page), '40');
  assert.match(page.url(), /nu=3&/);
  // bad values: clamped or defaulted, with notices, and no errors
  const bad = await openDs('?model=Transformer&layers=9&nu=banana&lmax=-1&L=7&update=maybe&rcut=100&channels=0&molecule=gold');
  const notices = await bad.locator(`${DS} .widget-notice`).allInnerTexts();
  assert.equal(notices.length, 9, notices.join(' | '));
  // MACE's ν = 3 in all six layers: 1 + n_6 = 1093
  assert.equal(await feature(bad), '1093');
  assert.match(notices.join(' '), /layers: 9 is outside 1\.\.6; using 6/);
  assert.equal(await attr(bad, `${DS} [data-testid=ds-receptive]`, 'data-value'), String(6 * 8));
  assert.deepEqual(bad.errors, []);
  assert.deepEqual(page.errors, []);
  await bad.close();
  await page.close();
});

test('design-space: keyboard — the plot steps through the models, controls are native', async () => {
  const page = await openDs();
  const before = await draws(page, `${DS} canvas`);
  await page.focus(`${DS} canvas`);
  await page.keyboard.press('ArrowRight');
  // MACE is last: ArrowRight wraps to ACE
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=ds-note]`)?.dataset.model === 'ACE', DS);
  assert.equal(await feature(page), '5');
  await page.keyboard.press('End');
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=ds-note]`)?.dataset.model === 'MACE', DS);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=ds-note]`)?.dataset.model === 'BOTNet', DS);
  assert.equal(await feature(page), '6');
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(`${sel} canvas`)?.dataset.draws) > n, [DS, before]);
  // a click on a marker picks its model (the markers' positions come from the drawing)
  await page.keyboard.press('Escape');
  const box = await page.locator(`${DS} canvas`).boundingBox();
  let picked = null;
  for (let fx = 0.15; fx < 1 && !picked; fx += 0.035) {
    for (let fy = 0.1; fy < 0.95 && !picked; fy += 0.035) {
      await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
      const m = await attr(page, `${DS} [data-testid=ds-note]`, 'data-model');
      if (m && m !== 'BOTNet') picked = m;
    }
  }
  assert.ok(picked, 'no marker answered a click');
  // Tab reaches the chips and Enter presses one
  await page.focus(`${DS} button.chip[data-model="PaiNN"]`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=ds-note]`)?.dataset.model === 'PaiNN', DS);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('body-order: the table, the recursion, and ν = 2, T = 3 → 15', async () => {
  const page = await openBo('?nu=2&layers=3');
  assert.equal(await attr(page, `${BO} [data-testid=bo-recursion]`, 'data-value'), '15');
  assert.match(await page.locator(`${BO} [data-testid=bo-recursion]`).innerText(), /6.*14.*15/s);
  const pressed = page.locator(`${BO} button.bo-cell[aria-pressed="true"]`);
  assert.equal(await pressed.count(), 1);
  assert.equal((await pressed.innerText()).trim(), '15');
  // the whole table is the recursion
  const cells = await page.locator(`${BO} button.bo-cell`).evaluateAll((bs) => bs.map((b) => [Number(b.dataset.nu), Number(b.dataset.t), Number(b.innerText)]));
  assert.equal(cells.length, 24);
  for (const [nu, t, v] of cells) {
    let n = 0;
    for (let k = 0; k < t; k++) n = nu * (1 + n);
    assert.equal(v, 1 + n, `ν = ${nu}, T = ${t}`);
  }
  // MACE (ν = 3, T = 2) is 13; ν = 1 is T + 1
  await page.click(`${BO} button.bo-cell[data-nu="3"][data-t="2"]`);
  assert.equal(await attr(page, `${BO} [data-testid=bo-recursion]`, 'data-value'), '13');
  assert.match(page.url(), /nu=3&layers=2/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('body-order: hop colouring of ethanol follows T, the cutoff and the centre', async () => {
  const page = await openBo('?nu=1&layers=1&molecule=ethanol&rcut=3&atom=3');
  const reach = () => attr(page, `${BO} [data-testid=bo-reach]`, 'data-reach');
  const classes = () => attr(page, `${BO} [data-testid=bo-reach]`, 'data-classes');
  // hydroxyl H: O, C1 and the two CH2 hydrogens within 3 Å; the methyl group two hops away
  assert.equal(await reach(), '5');
  assert.equal(await classes(), '-,1,1,c,-,-,-,1,1');
  const before = await pixels(page, `${BO} canvas`);
  const n0 = await draws(page, `${BO} canvas`);
  await setRange(page, `${BO} [data-testid=bo-layers]`, 2);
  assert.equal(await reach(), '9');
  assert.equal(await classes(), '2,1,1,c,2,2,2,1,1');
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(`${sel} canvas`)?.dataset.draws) > n, [BO, n0]);
  assert.notEqual(await pixels(page, `${BO} canvas`), before, 'the colouring did not change with T');
  assert.equal(await page.locator(`${BO} [data-testid=bo-legend] .swatch`).count(), 1 + 2 + 1 + 1);
  // a smaller cutoff: chemical bonds only (1.5 Å < r < 2 Å misses C–H···), more hops
  await setRange(page, `${BO} [data-testid=bo-rcut]`, 2);
  assert.equal(await classes(), '2,1,1,c,-,-,-,2,2');
  // the centre from the select
  await page.selectOption(`${BO} [data-testid=bo-atom]`, '0');
  assert.equal(await classes(), 'c,1,2,2,1,1,1,2,2');
  assert.match(page.url(), /rcut=2&atom=0/);
  // aspirin at 3 Å: more hops than layers
  await page.selectOption(`${BO} [data-testid=bo-molecule]`, 'aspirin');
  const n = Number(await attr(page, `${BO} [data-testid=bo-reach]`, 'data-atoms'));
  assert.equal(n, 21);
  assert.ok(Number(await reach()) < n);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('body-order: keyboard, clicks on atoms, URL round trip and clamping', async () => {
  const page = await openBo('?nu=3&layers=2&molecule=ethanol&rcut=3&atom=3');
  // arrow keys in the table move the selection and the focus
  await page.focus(`${BO} button.bo-cell[aria-pressed="true"]`);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  assert.equal(await attr(page, `${BO} [data-testid=bo-recursion]`, 'data-value'), '15');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.t), '3');
  assert.equal(await page.locator(`${BO} button.bo-cell[tabindex="0"]`).count(), 1);
  // arrow keys on the molecule step the centre atom; shift+arrows turn it
  await page.focus(`${BO} canvas`);
  await page.keyboard.press('ArrowRight');
  assert.match(await page.locator(`${BO} [data-testid=bo-reach]`).innerText(), /atom 4 \(H\)/);
  const p0 = await pixels(page, `${BO} canvas`);
  const n0 = await draws(page, `${BO} canvas`);
  await page.keyboard.press('Shift+ArrowLeft');
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(`${sel} canvas`)?.dataset.draws) > n, [BO, n0]);
  assert.notEqual(await pixels(page, `${BO} canvas`), p0);
  assert.match(await page.locator(`${BO} [data-testid=bo-reach]`).innerText(), /atom 4 \(H\)/);
  // a click on an atom makes it the centre (try the canvas until one answers)
  const box = await page.locator(`${BO} canvas`).boundingBox();
  let moved = false;
  for (let fx = 0.3; fx < 0.75 && !moved; fx += 0.04) {
    for (let fy = 0.3; fy < 0.75 && !moved; fy += 0.04) {
      await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
      moved = !/atom 4 \(H\)/.test(await page.locator(`${BO} [data-testid=bo-reach]`).innerText());
    }
  }
  assert.ok(moved, 'no atom answered a click');
  const url = page.url();
  const atom = url.match(/atom=(\d+)/)?.[1];
  assert.ok(atom && atom !== '4', url);
  await page.goto(url);
  await page.waitForSelector(`${BO} [data-testid=bo-reach]`);
  assert.match(await page.locator(`${BO} [data-testid=bo-reach]`).innerText(), new RegExp(`atom ${atom} `));
  assert.equal(await attr(page, `${BO} [data-testid=bo-recursion]`, 'data-value'), '15');
  assert.deepEqual(page.errors, []);
  await page.close();
  const bad = await openBo('?nu=7&layers=0&molecule=gold&rcut=abc&atom=99');
  const notices = await bad.locator(`${BO} .widget-notice`).allInnerTexts();
  assert.equal(notices.length, 5, notices.join(' | '));
  assert.equal(await attr(bad, `${BO} [data-testid=bo-reach]`, 'data-atoms'), '9');
  assert.match(await bad.locator(`${BO} [data-testid=bo-reach]`).innerText(), /atom 8 /);
  assert.equal(await attr(bad, `${BO} [data-testid=bo-recursion]`, 'data-value'), '5');
  assert.deepEqual(bad.errors, []);
  await bad.close();
});

test('screenshots: desktop and phone', async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [label, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
    const ds = await openDs('?model=MACE', { viewport });
    await ds.click(`${DS} [data-testid=ds-run-button]`);
    await ds.waitForSelector(`${DS} [data-testid=ds-run]`, { timeout: 30000 });
    await ds.locator(DS).screenshot({ path: `${SHOTS}/design-space-${label}.png` });
    await ds.close();
    const bo = await openBo('?nu=3&layers=2&molecule=aspirin&rcut=3&atom=0', { viewport });
    await bo.locator(BO).screenshot({ path: `${SHOTS}/body-order-${label}.png` });
    await bo.close();
  }
});
