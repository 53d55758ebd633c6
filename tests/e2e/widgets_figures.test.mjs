// Widgets read like figures: numbers without programmer's exponents, math as MathML, developer
// notes folded away, heights that do not jump while a widget is used, animations that stop off
// screen, and no accessibility violations inside the widgets (axe-core, both themes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { openSite, newPage, mountWidgets, CHROMIUM_ARGS } from './harness.mjs';

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

const W = (name) => `.widget[data-widget="${name}"]`;

async function open(name, query = '', options = {}) {
  const page = await newPage(site, options);
  await page.goto(`${site.origin}/embed/${name}${query}`);
  await page.waitForSelector(`${W(name)} .widget-body`, { timeout: 20000 });
  return page;
}

const height = (page, sel) => page.locator(sel).evaluate((e) => e.getBoundingClientRect().height);

/** Asserts that every height in `hs` is within 2 px of the first. */
function assertSteady(what, hs) {
  const spread = Math.max(...hs) - Math.min(...hs);
  assert.ok(spread <= 2, `${what}: heights ${hs.map(Math.round).join(', ')} (spread ${spread.toFixed(1)} px)`);
}

// Widgets whose numbers were printed with Rust's `{:e}` before: their text must not show it.
const NUMBER_WIDGETS = [
  ['equivariance', '[data-testid=equivariance-error]'],
  ['clebsch-gordan', '[data-testid=cg-check]'],
  ['vector-products', '[data-testid=vp-equivariance]'],
  ['gate', '.nn-figure .readout strong'],
  ['mace-energy', '[data-testid=energy-total][data-value]'],
  ['ace-invariance', '[data-testid=ace-invariance-deviation]'],
];

test('numbers are fixed or carry a real superscript, never 5.6e-17 or 0.0e0; no backticks', async () => {
  const ascii = /\b\d+(\.\d+)?e[-+]?\d+\b/;
  for (const [name, ready] of NUMBER_WIDGETS) {
    const page = await open(name);
    await page.waitForSelector(`${W(name)} ${ready}`, { timeout: 30000, state: 'attached' });
    await page.waitForTimeout(500);
    const text = await page.locator(W(name)).innerText();
    assert.ok(!ascii.test(text), `${name} shows ${text.match(ascii)?.[0]}`);
    assert.ok(!text.includes('`'), `${name} shows a backtick`);
    assert.deepEqual(page.errors, [], `errors on ${name}`);
    await page.close();
  }
  // a core error that names the input in backticks is shown with quotes
  const page = await open('irreps-calculator');
  await page.fill(`${W('irreps-calculator')} input[data-field=a]`, '2x0e+1x1q');
  const err = page.locator('[data-testid=tp-error]').first();
  await err.waitFor({ timeout: 10000 });
  const shown = await err.innerText();
  assert.ok(!shown.includes('`') && shown.includes('‘'), shown);
  await page.close();
});

test('labels are MathML like the prose: no R_n(r), Y_lm, D^l(R), A_(z n l m) or E0(z_i) left', async () => {
  for (const route of ['/chapter/00-fundamentals', '/chapter/01-atomic-cluster-expansion', '/chapter/03-mace']) {
    const page = await newPage(site);
    await page.goto(site.origin + route);
    await mountWidgets(page);
    await page.waitForSelector('.widget .widget-body', { timeout: 20000 });
    await page.waitForTimeout(1500);
    const texts = await page.locator('.widget').allInnerTexts();
    for (const ascii of ['R_n(r)', 'Y_lm', 'D^l(R)', 'A_(z n l m)', 'E0(z_i)', 'dR_n/dr', 'f_cut']) {
      assert.ok(!texts.some((t) => t.includes(ascii)), `${route}: a widget still shows ${ascii}`);
    }
    assert.ok(await page.locator('.widget math').count() > 5, `${route}: no MathML in the widgets`);
    await page.close();
  }
  const page = await open('radial-basis');
  assert.ok(await page.locator(`${W('radial-basis')} .legend math`).count() >= 6, 'R_n in the legend as MathML');
  await page.close();
  // punctuation after a formula stays on its line with it ("… cos θ sin φ)." in sh-explorer)
  const sh = await open('sh-explorer');
  const kept = sh.locator(`${W('sh-explorer')} .convention .nowrap`);
  assert.ok(await kept.count() >= 1, 'no formula kept with its punctuation');
  assert.equal(await kept.first().evaluate((e) => getComputedStyle(e).whiteSpace), 'nowrap');
  await sh.close();
});

test('developer notes (timings, commands, versions) sit behind a closed disclosure', async () => {
  const cases = [
    ['experiment', /OMP_NUM_THREADS|Versions: /],
    ['ace-invariance', /shuffles: \d+ · A and B computed in/],
    ['mace-architecture', /energy and forces of \d+ atoms in/],
  ];
  for (const [name, note] of cases) {
    const page = await open(name);
    const details = page.locator(`${W(name)} details.dev-notes`).first();
    await page.waitForFunction(([sel, re]) => new RegExp(re).test(document.querySelector(sel)?.textContent ?? ''),
      [`${W(name)} details.dev-notes`, note.source], { timeout: 30000 });
    assert.equal(await details.evaluate((d) => d.open), false, `${name}: notes open`);
    assert.ok(!note.test(await page.locator(W(name)).innerText()), `${name}: the note is visible`);
    await details.locator('summary').click();
    assert.ok(note.test(await page.locator(W(name)).innerText()), `${name}: the note does not open`);
    await page.close();
  }
});

for (const width of [1280, 360]) {
  test(`heights do not jump while a widget is used (${width} px)`, async () => {
    const viewport = { width, height: 900 };
    // mace-architecture: every block
    let page = await open('mace-architecture', '', { viewport });
    await page.waitForSelector(`${W('mace-architecture')} [data-testid=arch-model][data-edges]`, { timeout: 30000 });
    const arch = [];
    for (const b of await page.locator(`${W('mace-architecture')} button.arch-block`).all()) {
      await b.click();
      arch.push(await height(page, W('mace-architecture')));
    }
    assertSteady('mace-architecture blocks', arch);
    await page.close();
    // equation-steps: every step
    page = await open('equation-steps', '', { viewport });
    await page.waitForSelector('[data-testid=eqs-next]');
    const steps = [await height(page, W('equation-steps'))];
    while (await page.locator('[data-testid=eqs-next]').isEnabled()) {
      await page.click('[data-testid=eqs-next]');
      steps.push(await height(page, W('equation-steps')));
    }
    assertSteady('equation-steps', steps);
    await page.close();
    // rotation: every molecule and the inversion
    page = await open('rotation', '', { viewport });
    const rot = [];
    for (const m of ['water', 'methane', 'ethanol', 'benzene']) {
      await page.selectOption(`${W('rotation')} select`, m);
      await page.waitForTimeout(100);
      rot.push(await height(page, W('rotation')));
    }
    await page.check(`${W('rotation')} input[type=checkbox]`);
    rot.push(await height(page, W('rotation')));
    assertSteady('rotation molecules', rot);
    assert.match(await page.locator('[data-testid=rotation-note]').innerText(), /benzene/);
    await page.close();
    // radial-basis: derivatives on, pointer over the plot
    page = await open('radial-basis', '', { viewport });
    await page.waitForSelector(`${W('radial-basis')} canvas[data-draws]`);
    const rb = [await height(page, W('radial-basis'))];
    await page.check(`${W('radial-basis')} input[type=checkbox]`);
    await page.waitForTimeout(100);
    rb.push(await height(page, W('radial-basis')));
    const box = await page.locator(`${W('radial-basis')} canvas`).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    await page.locator('[data-testid=rb-hover]').waitFor();
    rb.push(await height(page, W('radial-basis')));
    assertSteady('radial-basis', rb);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test('the Clebsch–Gordan live check stops off screen and says so', async () => {
  const page = await newPage(site, { viewport: { width: 1280, height: 700 } });
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await page.goto(`${site.origin}/chapter/00-fundamentals`);
  // widgets mount near the viewport: bring the CG widget's slot in first
  await page.locator('.widget-slot[data-widget="clebsch-gordan"]').scrollIntoViewIfNeeded({ timeout: 20000 });
  const motion = page.locator('[data-testid=cg-motion]');
  await motion.scrollIntoViewIfNeeded({ timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=cg-motion]')?.dataset.running === 'true', null, { timeout: 5000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => document.querySelector('[data-testid=cg-motion]')?.dataset.running === 'false', null, { timeout: 5000 });
  const angle = () => page.locator(`${W('clebsch-gordan')} .ctl-line input[type=range]`).inputValue();
  const a = await angle();
  await page.waitForTimeout(400);
  assert.equal(await angle(), a, 'ω kept turning off screen');
  await motion.scrollIntoViewIfNeeded();
  await page.click('[data-testid=cg-play]');
  assert.match(await motion.innerText(), /paused/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('body-order says "1 hop", not "1 hops"', async () => {
  for (const q of ['?nu=1&layers=1', '?nu=2&layers=2']) {
    const page = await open('body-order', q);
    const reach = page.locator('[data-testid=bo-reach]');
    await reach.waitFor({ timeout: 20000 });
    assert.ok(!/\b1 hops\b|\b1 layers\b|\b1 atoms are\b/.test(await reach.innerText()), await reach.innerText());
    await page.close();
  }
});

test('ace-fit: Stop says that it stopped, and Fit stays honest about a basis too large', async () => {
  const page = await open('ace-fit', '?nu=3&nmax=4&lmax=3&ntrain=300');
  await page.click('[data-testid=fit-run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=fit-status]')?.dataset.state === 'fitting', null, { timeout: 20000 });
  await page.click('[data-testid=fit-stop]');
  assert.match(await page.locator('[data-testid=fit-status]').innerText(), /^Stopped/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** axe-core's browser script: package.json's devDependency (scripts/setup.sh installs it), or the
 * file named by AXE_CORE_JS. */
function axeSource() {
  if (process.env.AXE_CORE_JS) return fs.readFileSync(process.env.AXE_CORE_JS, 'utf8');
  const require = createRequire(path.resolve('package.json'));
  return fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
}

test('axe-core finds nothing inside the widgets, in both themes', async (t) => {
  const axe = axeSource();
  // the site's CSP refuses an injected script: a context of its own that bypasses it
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
  });
  // a failed check must not leave the browser open (the test file would never end)
  t.after(() => browser.close());
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } });
  const names = ['radial-basis', 'mace-architecture', 'clebsch-gordan', 'rotation', 'equation-steps', 'experiment', 'sh-explorer', 'equivariance'];
  for (const theme of ['light', 'dark']) {
    for (const name of names) {
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(`${site.origin}/embed/${name}`);
      await page.waitForSelector(`${W(name)} .widget-body`, { timeout: 20000 });
      await page.waitForTimeout(name.startsWith('mace') || name === 'experiment' ? 3000 : 1000);
      await page.addScriptTag({ content: axe });
      const found = await page.evaluate(async (sel) => (await window.axe.run(sel)).violations
        .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0].target.join(' ')}`), W(name));
      assert.deepEqual(found, [], `${name}, ${theme} theme`);
      await page.close();
    }
  }
});
