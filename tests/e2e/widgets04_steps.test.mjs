// The chapter-04 widgets `equation-steps` and `experiment`: the Multi-ACE equations revealed one
// step at a time (buttons, step dots, arrow keys, URL), with links to the widgets that compute each
// step and the core functions that do (which must exist in the repository), and live numbers from
// the shipped model; the ν × T experiment read from experiments/design_ethanol.json as a table of
// six runs and a plot whose metric switches between forces and energy, labelled as our own
// reproduction, with a banner exactly when the file is a placeholder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openSite, newPage, canvasIsDrawn, assertWidgetRendersCleanly, mountWidgets } from './harness.mjs';

const CHAPTER = '/chapter/04-multi-ace-framework';
const EQS = '.widget[data-widget="equation-steps"]';
const EXP = '.widget[data-widget="experiment"]';
const DIST = process.env.E2E_DIST ?? path.resolve('target/e2e-dist');

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

/** The experiment file as the built site serves it. */
function experimentFile() {
  return JSON.parse(fs.readFileSync(path.join(DIST, 'experiments/design_ethanol.json'), 'utf8'));
}

async function openEqs(query = '') {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/equation-steps${query}`);
  await page.waitForSelector(`${EQS} [data-testid=eqs]`, { timeout: 20000 });
  return page;
}

async function openExp(query = '') {
  const page = await newPage(site);
  const t0 = Date.now();
  await page.goto(`${site.origin}/embed/experiment${query}`);
  await page.waitForSelector(`${EXP} [data-testid=exp-table]`, { timeout: 20000 });
  await page.waitForFunction((sel) => document.querySelector(`${sel} canvas`)?.hasAttribute('data-draws'), EXP, { timeout: 15000 });
  page.loadMs = Date.now() - t0;
  return page;
}

const step = (page) => page.locator(`${EQS} [data-testid=eqs]`).getAttribute('data-step');

test('both widgets render in chapter 04 and on their embed routes without errors', async () => {
  for (const [name, sel, ready] of [
    ['equation-steps', EQS, '[data-testid=eqs-live]'],
    ['experiment', EXP, '[data-testid=exp-table]'],
  ]) {
    for (const route of [`/embed/${name}`, CHAPTER]) {
      await assertWidgetRendersCleanly(site, { name, sel, ready, route });
    }
  }
});

test('equation-steps: Next / Previous and the step dots reveal the six steps as four equations', async () => {
  const page = await openEqs();
  const cards = page.locator(`${EQS} [data-testid=eqs-step]`);
  const next = page.locator(`${EQS} [data-testid=eqs-next]`);
  const prev = page.locator(`${EQS} [data-testid=eqs-prev]`);
  assert.equal(await step(page), '1');
  assert.equal(await cards.count(), 1);
  assert.ok(await prev.isDisabled());
  const groupsSeen = [];
  for (let k = 1; k <= 6; k++) {
    assert.equal(await step(page), String(k));
    assert.equal(await cards.count(), k, `cards at step ${k}`);
    assert.equal(await page.locator(`${EQS} [data-testid=eqs-indicator]`).innerText(), `step ${k} of 6`);
    const current = page.locator(`${EQS} [data-testid=eqs-step].current`);
    assert.equal(await current.getAttribute('data-step'), String(k));
    // every step has MathML, at least one widget link and one core function
    assert.ok(await current.locator('math').count() >= 1, `no MathML at step ${k}`);
    assert.ok(await current.locator('[data-testid=eqs-widget-link]').count() >= 1);
    assert.ok(await current.locator('[data-testid=eqs-code]').count() >= 1);
    groupsSeen.push(await page.locator(`${EQS} .eqs-group`).count());
    assert.match(page.url(), k === 1 ? /equation-steps/ : new RegExp(`step=${k}`));
    if (k < 6) await next.click();
  }
  // the four equations of chapter 04: one-particle basis (1), message (2–4), update (5), readout (6)
  assert.deepEqual(groupsSeen, [1, 2, 2, 2, 3, 4]);
  const headings = await page.locator(`${EQS} .eqs-group`).allInnerTexts();
  assert.deepEqual(headings.map((h) => h.toLowerCase().match(/\((\d)\)/)[1]), ['1', '2', '3', '4']);
  assert.match(headings.join(' ').toLowerCase(), /one-particle basis.*many-body message.*update.*readout/);
  assert.ok(await next.isDisabled());
  await prev.click();
  assert.equal(await step(page), '5');
  await page.click(`${EQS} .eqs-dot[data-step="2"]`);
  assert.equal(await step(page), '2');
  assert.equal(await cards.count(), 2);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('equation-steps: arrow keys, Home and End step once the widget has the focus', async () => {
  const page = await openEqs();
  // nothing grabs the focus on load (reveal.js slides keep their keys)
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
  await page.focus(`${EQS} [data-testid=eqs]`);
  for (const [key, want] of [['ArrowRight', '2'], ['ArrowRight', '3'], ['ArrowLeft', '2'], ['End', '6'], ['ArrowRight', '6'], ['Home', '1'], ['ArrowLeft', '1'], ['ArrowDown', '2']]) {
    await page.keyboard.press(key);
    assert.equal(await step(page), want, `after ${key}`);
  }
  assert.match(page.url(), /step=2/);
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('equation-steps: links point to the widgets that compute each step, code references exist', async (t) => {
  const page = await openEqs();
  const expected = {
    1: ['/embed/mace-architecture?block=tp-1'],
    2: ['/embed/neighbour-density'],
    3: ['/embed/correlation-order'],
    5: ['/embed/mace-architecture?block=update-2'],
    6: ['/embed/mace-energy'],
  };
  const catalogue = new Set();
  const codeRefs = [];
  for (let k = 1; k <= 6; k++) {
    await page.click(`${EQS} .eqs-dot[data-step="${k}"]`);
    const current = page.locator(`${EQS} [data-testid=eqs-step].current`);
    const hrefs = await current.locator('[data-testid=eqs-widget-link]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const want of expected[k] ?? []) assert.ok(hrefs.includes(want), `step ${k}: ${hrefs.join(' ')}`);
    hrefs.forEach((h) => catalogue.add(h));
    codeRefs.push(...await current.locator('[data-testid=eqs-code] code').allInnerTexts());
  }
  // every linked widget exists (no "Unknown widget")
  for (const href of catalogue) {
    const p = await newPage(site);
    await p.goto(site.origin + href);
    const name = href.split('?')[0].split('/').pop();
    await p.waitForSelector(`.widget[data-widget="${name}"]`, { timeout: 15000 });
    assert.equal(await p.locator('.widget-unknown').count(), 0, href);
    await p.close();
  }
  // every "path: Type::function" names a file of the repository that defines it
  for (const ref of codeRefs) {
    const [file, item] = ref.split(': ');
    assert.ok(fs.existsSync(file), `${file} does not exist`);
    const src = fs.readFileSync(file, 'utf8');
    const parts = item.split('::');
    const fn = parts.pop();
    assert.match(src, new RegExp(`fn ${fn}\\b`), `${ref}: no fn ${fn}`);
    if (parts.length) assert.match(src, new RegExp(`impl(<[^>]*>)? ${parts[0]}\\b`), `${ref}: no impl ${parts[0]}`);
  }
  t.diagnostic(`${catalogue.size} widget links, ${codeRefs.length} code references checked`);
  // a link is a real in-site navigation
  await page.click(`${EQS} .eqs-dot[data-step="3"]`);
  await page.click(`${EQS} [data-testid=eqs-widget-link][href="/embed/correlation-order"]`);
  await page.waitForSelector('.widget[data-widget="correlation-order"]', { timeout: 15000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('equation-steps: live numbers for ethanol from the shipped model', async (t) => {
  const page = await openEqs('?step=1');
  const live = `${EQS} [data-testid=eqs-live]`;
  await page.waitForSelector(live, { timeout: 20000 });
  assert.match(await page.locator(live).innerText(), /\[70, 144\]/);
  await page.click(`${EQS} .eqs-dot[data-step="2"]`);
  assert.match(await page.locator(live).innerText(), /\[9, 144\]/);
  await page.click(`${EQS} .eqs-dot[data-step="3"]`);
  assert.match(await page.locator(live).innerText(), /4, 23, 81/);
  await page.click(`${EQS} .eqs-dot[data-step="6"]`);
  const text = await page.locator(live).innerText();
  assert.match(text, /−?-?309\.9651 eV/);
  t.diagnostic(text);
  console.log(`equation-steps: ${text}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('equation-steps reads its URL and clamps a bad step', async () => {
  let page = await openEqs('?step=4');
  assert.equal(await step(page), '4');
  assert.equal(await page.locator(`${EQS} [data-testid=eqs-step]`).count(), 4);
  await page.close();
  page = await openEqs('?step=9');
  assert.equal(await step(page), '6');
  assert.match(await page.locator(`${EQS} .widget-notice`).innerText(), /step: 9 is outside 1\.\.6; using 6/);
  await page.close();
  page = await openEqs('?step=two');
  assert.equal(await step(page), '1');
  assert.equal(await page.locator(`${EQS} .widget-notice`).count(), 1);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('experiment: six runs, labelled as our reproduction, banner iff placeholder, command and versions shown', async (t) => {
  const file = experimentFile();
  const page = await openExp();
  t.diagnostic(`experiment: table and plot ${page.loadMs} ms after navigation; placeholder = ${!!file.placeholder}`);
  console.log(`experiment: table and plot ${page.loadMs} ms after navigation (placeholder = ${!!file.placeholder})`);
  const rows = page.locator(`${EXP} [data-testid=exp-row]`);
  assert.equal(await rows.count(), 6);
  assert.equal(file.runs.length, 6);
  const got = await rows.evaluateAll((rs) => rs.map((r) => [Number(r.dataset.nu), Number(r.dataset.t), Number(r.dataset.rmseF), Number(r.dataset.rmseE)]));
  got.forEach(([nu, T, f, e], k) => {
    const run = file.runs[k];
    assert.deepEqual([nu, T], [run.correlation, run.num_interactions]);
    assert.ok(Math.abs(f - run.test.rmse_f_meV_per_A) < 1e-9 * Math.max(1, f));
    assert.ok(Math.abs(e - run.test.rmse_e_meV_per_atom) < 1e-9 * Math.max(1, e));
  });
  // every ν × T pair once
  assert.equal(new Set(got.map(([nu, T]) => `${nu},${T}`)).size, 6);
  // the energy's body order: ν + 1 for one layer (mace-torch's linear readout), unbounded for two
  const energyBody = await page.locator(`${EXP} [data-testid=exp-energy-body]`).allInnerTexts();
  energyBody.forEach((b, k) => {
    const run = file.runs[k];
    assert.equal(b, run.num_interactions === 1 ? String(run.correlation + 1) : 'unbounded', `run ${k}`);
  });
  const label = await page.locator(`${EXP} [data-testid=exp-label]`).innerText();
  assert.match(label, /our reproduction with mace-torch on the book's GFN2-xTB ethanol data — not the paper's benchmark/);
  assert.ok(await page.locator(`${EXP} [data-testid=exp-label]`).isVisible());
  assert.equal(await page.locator(`${EXP} [data-testid=exp-placeholder]`).count(), file.placeholder ? 1 : 0);
  if (file.placeholder) {
    assert.match(await page.locator(`${EXP} [data-testid=exp-placeholder]`).innerText(), /placeholder data: the experiment has not been run yet/);
  }
  assert.equal(await page.locator(`${EXP} [data-testid=exp-command]`).textContent(), file.command);
  // folded away behind "How this was computed", but there
  const versions = await page.locator(`${EXP} [data-testid=exp-versions]`).textContent();
  for (const v of Object.values(file.versions)) assert.ok(versions.includes(v), `version ${v} missing: ${versions}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('experiment: the metric switch changes the plot and the labels; URL, keys and selection', async (t) => {
  const page = await openExp();
  const canvas = page.locator(`${EXP} canvas[data-testid=exp-plot]`);
  const draws = async () => Number(await canvas.getAttribute('data-draws'));
  assert.equal(await canvas.getAttribute('data-metric'), 'forces');
  assert.match(await canvas.getAttribute('aria-label'), /force RMSE/);
  assert.equal(await page.locator(`${EXP} [data-testid=exp-table]`).getAttribute('data-metric'), 'forces');
  const before = await canvas.screenshot();
  const n0 = await draws();
  await page.click(`${EXP} [data-testid=exp-metric-energy]`);
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(`${sel} canvas`).dataset.draws) > n, [EXP, n0]);
  assert.equal(await canvas.getAttribute('data-metric'), 'energy');
  assert.match(await canvas.getAttribute('aria-label'), /energy RMSE/);
  assert.equal(await page.locator(`${EXP} [data-testid=exp-table]`).getAttribute('data-metric'), 'energy');
  assert.equal(await page.locator(`${EXP} [data-testid=exp-metric-energy]`).getAttribute('aria-pressed'), 'true');
  assert.match(page.url(), /metric=energy/);
  const afterShot = await canvas.screenshot();
  assert.notDeepEqual(before, afterShot, 'the plot did not change');
  assert.ok(await canvasIsDrawn(canvas));
  t.diagnostic(`plot draw ${await canvas.getAttribute('data-draw-ms')} ms`);
  console.log(`experiment: one plot draw ${await canvas.getAttribute('data-draw-ms')} ms`);
  // keys on the focused chart: F and E switch, arrows select runs
  await canvas.focus();
  await page.keyboard.press('f');
  assert.equal(await canvas.getAttribute('data-metric'), 'forces');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const sel = page.locator(`${EXP} [data-testid=exp-selected]`);
  const file = experimentFile();
  const r1 = file.runs[1];
  assert.match(await sel.innerText(), new RegExp(`ν = ${r1.correlation}, T = ${r1.num_interactions}.*test forces RMSE`));
  assert.equal(await page.locator(`${EXP} tr.selected`).getAttribute('data-nu'), String(r1.correlation));
  await page.keyboard.press('End');
  const r5 = file.runs[5];
  assert.match(await sel.innerText(), new RegExp(`ν = ${r5.correlation}, T = ${r5.num_interactions}`));
  // pointer: a click on a row selects it
  await page.click(`${EXP} [data-testid=exp-row] >> nth=2`);
  assert.match(await sel.innerText(), new RegExp(`ν = ${file.runs[2].correlation}, T = ${file.runs[2].num_interactions}`));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('experiment reads metric from its URL and falls back with a notice', async () => {
  let page = await openExp('?metric=energy');
  assert.equal(await page.locator(`${EXP} canvas`).getAttribute('data-metric'), 'energy');
  assert.equal(await page.locator(`${EXP} .widget-notice`).count(), 0);
  await page.close();
  page = await openExp('?metric=stress');
  assert.equal(await page.locator(`${EXP} canvas`).getAttribute('data-metric'), 'forces');
  assert.match(await page.locator(`${EXP} .widget-notice`).innerText(), /metric: 'stress' is not one of forces \| energy/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('phone width: nothing overflows the page', async () => {
  for (const route of ['/embed/equation-steps?step=6', '/embed/experiment']) {
    const page = await newPage(site, { viewport: { width: 390, height: 844 } });
    await page.goto(site.origin + route);
    await mountWidgets(page);
    await page.waitForSelector('.widget [data-testid=eqs], .widget [data-testid=exp-table]', { timeout: 20000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${route} overflows by ${overflow} px`);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});
