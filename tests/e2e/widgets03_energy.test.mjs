// The chapter-03 widget `mace-energy`: the shipped MACE model evaluated live on a molecule. It
// draws (embedded and in chapter 03), loads the model, follows drags of atoms and of the view, the
// keyboard and its buttons, reads its URL, and shows the numbers the core computed: the ethanol
// energy, forces that change when an atom moves, |E(Rx) − E(x)| and max |F(Rx) − R F(x)| below
// 1e-11 (relative) for every rotation, the core's message for an element the model does not know, and the
// previous model kept after a file that is not a model.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSite, newPage, canvasIsDrawn, mountWidgets } from './harness.mjs';

const NAME = 'mace-energy';
const W = `.widget[data-widget="${NAME}"]`;
// The shipped model on the shipped ethanol (mace-torch gives the same to 1e-12 eV).
const ETHANOL_ENERGY = -309.9651339;

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

/** A `data-*` attribute of a test hook as a number (NaN when empty). */
async function num(page, testid, attr = 'data-value') {
  const v = await page.locator(`${W} [data-testid=${testid}]`).getAttribute(attr);
  return v === null || v === '' ? NaN : Number(v);
}

/** Waits until the model has been evaluated (an energy is shown). */
async function evaluated(page) {
  await page.waitForFunction((w) => {
    const v = document.querySelector(`${w} [data-testid=energy-total]`)?.getAttribute('data-value');
    return v !== null && v !== undefined && v !== '';
  }, W, { timeout: 20000 });
}

async function open(query = '') {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/${NAME}${query}`);
  await page.waitForSelector(`${W} canvas.view3d[data-draws]`, { timeout: 15000 });
  await evaluated(page);
  return page;
}

/** Drags from (x, y) by (dx, dy) in `steps` moves, then waits for the frame to be drawn. */
async function dragFrom(page, x, y, dx, dy, steps = 10) {
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) await page.mouse.move(x + (dx * i) / steps, y + (dy * i) / steps);
  await page.mouse.up();
  await page.waitForTimeout(120);
}

/** Drags across an empty corner of the view (rotates the molecule). */
async function rotateByDrag(page, dx = 80, dy = 30) {
  const box = await page.locator(`${W} canvas.view3d`).boundingBox();
  await dragFrom(page, box.x + box.width * 0.12, box.y + box.height * 0.12, dx, dy);
}

/** The selected atom's position on the page (the canvas reports it in CSS pixels). */
async function selectedAtomXY(page) {
  const canvas = page.locator(`${W} canvas.view3d`);
  const box = await canvas.boundingBox();
  const x = Number(await canvas.getAttribute('data-sel-x'));
  const y = Number(await canvas.getAttribute('data-sel-y'));
  return [box.x + x, box.y + y];
}

async function checkOk(page, what) {
  const check = page.locator(`${W} [data-testid=rotation-check]`);
  assert.equal(await check.getAttribute('data-rotated'), '1', `${what}: no rotated evaluation`);
  const de = Number(await check.getAttribute('data-energy-diff'));
  const df = Number(await check.getAttribute('data-force-diff'));
  // relative to the size of what is compared (a squeezed molecule has forces of hundreds of eV/Å)
  const eScale = Math.max(1, Math.abs(Number(await check.getAttribute('data-energy'))));
  const fScale = Math.max(1, Number(await check.getAttribute('data-fmax')));
  assert.ok(Number.isFinite(de) && de <= 1e-11 * eScale, `${what}: |E(Rx) − E(x)| = ${de} (|E| ${eScale})`);
  assert.ok(Number.isFinite(df) && df <= 1e-11 * fScale, `${what}: max |F(Rx) − R F(x)| = ${df} (max |F| ${fScale})`);
  assert.match(await check.innerText(), /✓ both below 10⁻¹¹/);
  return [de / eScale, df / fScale];
}

test('mace-energy draws embedded and in chapter 03, with the model loaded and no errors', async () => {
  for (const route of [`/embed/${NAME}`, '/chapter/03-mace']) {
    const page = await newPage(site);
    await page.goto(site.origin + route);
    await mountWidgets(page);
    const widget = page.locator(W);
    await widget.first().scrollIntoViewIfNeeded({ timeout: 15000 });
    await page.waitForSelector(`${W} canvas.view3d[data-draws]`, { timeout: 15000 });
    await evaluated(page);
    assert.ok(await canvasIsDrawn(widget.locator('canvas.view3d')), `blank canvas on ${route}`);
    const e = await num(page, 'energy-total');
    assert.ok(Math.abs(e - ETHANOL_ENERGY) < 1e-5, `ethanol energy ${e} on ${route}`);
    const fmax = await num(page, 'energy-fmax');
    assert.ok(fmax > 0.1 && fmax < 5, `largest force ${fmax}`);
    // the chapter asks the reader to pull the hydroxyl hydrogen: it is selected at first
    assert.equal(await widget.locator('[data-testid=energy-selected]').getAttribute('data-atom'), '3');
    assert.match(await widget.locator('[data-testid=energy-selected]').innerText(), /atom 3 \(H\)/);
    assert.equal(await widget.locator('[data-testid=model-loading]').count(), 0);
    assert.equal(await widget.locator('.widget-notice').count(), 0, `notices on ${route}`);
    assert.equal(await widget.locator('[data-testid=energy-error]').count(), 0);
    assert.deepEqual(page.errors, [], `errors on ${route}`);
    await page.close();
  }
});

test('dragging an atom changes energy and forces; Reset brings back the starting numbers', async (t) => {
  const page = await open();
  const e0 = await num(page, 'energy-total');
  const f0 = await page.locator(`${W} [data-testid=energy-selected]`).getAttribute('data-force');
  const [x, y] = await selectedAtomXY(page);
  // pull the hydroxyl hydrogen away from the oxygen (to the right and down on screen)
  await dragFrom(page, x, y, 30, 18);
  const e1 = await num(page, 'energy-total');
  const f1 = await page.locator(`${W} [data-testid=energy-selected]`).getAttribute('data-force');
  assert.equal(await page.locator(`${W} [data-testid=energy-selected]`).getAttribute('data-atom'), '3', 'the drag grabbed another atom');
  assert.ok(Math.abs(e1 - e0) > 1e-3, `the energy did not change (${e0} → ${e1})`);
  assert.notEqual(f1, f0, 'the force on the dragged atom did not change');
  assert.equal(await page.locator(`${W} [data-testid=rotation-check]`).getAttribute('data-rotated'), '0',
    'an atom drag must not rotate the molecule');
  // a stretched bond pulls back: the force on H points towards where it came from
  const [fx, fy, fz] = f1.split(',').map(Number);
  assert.ok(Math.hypot(fx, fy, fz) > 0.5, `force after stretching ${f1}`);
  const evalMs = await num(page, 'energy-total', 'data-eval-ms');
  const drawMs = Number(await page.locator(`${W} canvas.view3d`).getAttribute('data-draw-ms'));
  t.diagnostic(`ethanol: one evaluation (energy + forces) ${evalMs} ms; evaluate + draw ${drawMs} ms`);
  assert.ok([evalMs, drawMs].every((m) => Number.isFinite(m) && m >= 0), `evaluate ${evalMs} ms, frame ${drawMs} ms`);
  await page.click(`${W} [data-testid=energy-reset]`);
  await page.waitForTimeout(120);
  assert.ok(Math.abs(await num(page, 'energy-total') - e0) < 1e-12, 'Reset did not restore the energy');
  assert.equal(await page.locator(`${W} [data-testid=energy-selected]`).getAttribute('data-force'), f0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('every rotation is re-evaluated: |E(Rx) − E(x)| and max |F(Rx) − R F(x)| stay below 1e-11 relative', async (t) => {
  const page = await open();
  const e0 = await num(page, 'energy-total');
  const f0 = await page.locator(`${W} [data-testid=energy-selected]`).getAttribute('data-force');
  assert.equal(await page.locator(`${W} [data-testid=rotation-check]`).getAttribute('data-rotated'), '0');
  let worst = 0;
  for (let round = 0; round < 3; round++) {
    await rotateByDrag(page, 60 + 30 * round, 20 - 25 * round);
    const [de, df] = await checkOk(page, `drag ${round}`);
    worst = Math.max(worst, de, df);
    assert.ok(Math.abs(await num(page, 'energy-total') - e0) < 1e-9);
  }
  // the force components are printed in the picture's axes: they turn with the molecule
  assert.notEqual(await page.locator(`${W} [data-testid=energy-selected]`).getAttribute('data-force'), f0);
  for (let k = 0; k < 4; k++) {
    await page.click(`${W} [data-testid=energy-rotate]`);
    await page.waitForTimeout(80);
    const [de, df] = await checkOk(page, `button ${k}`);
    worst = Math.max(worst, de, df);
  }
  // a distorted molecule rotates as well as the relaxed one
  const [x, y] = await selectedAtomXY(page);
  await dragFrom(page, x, y, -20, 25);
  await rotateByDrag(page, -70, 40);
  const [de, df] = await checkOk(page, 'distorted');
  worst = Math.max(worst, de, df);
  t.diagnostic(`largest rotation-check difference: ${worst.toExponential(2)}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('keyboard: Tab and digits select atoms, W A S D move the selected one, arrows rotate', async () => {
  const page = await open();
  const canvas = page.locator(`${W} canvas.view3d`);
  const selected = page.locator(`${W} [data-testid=energy-selected]`);
  await canvas.focus();
  await page.keyboard.press('Tab');
  assert.equal(await selected.getAttribute('data-atom'), '4', 'Tab did not select the next atom');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await selected.getAttribute('data-atom'), '3');
  await page.keyboard.press('2');
  assert.equal(await selected.getAttribute('data-atom'), '2');
  assert.match(await selected.innerText(), /atom 2 \(O\)/);
  assert.match(page.url(), /atom=2/);
  const e0 = await num(page, 'energy-total');
  for (let k = 0; k < 4; k++) await page.keyboard.press('d');
  await page.waitForTimeout(100);
  const e1 = await num(page, 'energy-total');
  assert.ok(Math.abs(e1 - e0) > 1e-4, `moving the oxygen by 0.2 Å did not change the energy (${e0} → ${e1})`);
  for (let k = 0; k < 4; k++) await page.keyboard.press('a');
  await page.waitForTimeout(100);
  assert.ok(Math.abs(await num(page, 'energy-total') - e0) < 1e-9, 'd ×4 then a ×4 did not return');
  await page.keyboard.press('Shift+ArrowUp');
  await page.waitForTimeout(100);
  assert.ok(Math.abs(await num(page, 'energy-total') - e0) > 1e-5, 'shift+ArrowUp did not move the atom');
  assert.equal(await page.locator(`${W} [data-testid=rotation-check]`).getAttribute('data-rotated'), '0');
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(100);
  await checkOk(page, 'ArrowRight');
  await page.keyboard.press('Home');
  await page.waitForTimeout(100);
  assert.ok(Math.abs(await num(page, 'energy-total') - e0) < 1e-9, 'Home did not reset the geometry');
  // the buttons move the selected atom too (phones have no keyboard)
  await page.click(`${W} button[aria-label="move up"]`);
  await page.waitForTimeout(100);
  assert.ok(Math.abs(await num(page, 'energy-total') - e0) > 1e-5, 'the move button did not move the atom');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('mace-energy reads its URL; absurd values give notices and a working widget', async () => {
  const page = await open('?molecule=water&atom=1&scale=2');
  const e = await num(page, 'energy-total');
  assert.ok(Math.abs(e - -97.9617) < 1e-3, `water energy ${e}`);
  assert.equal(await page.locator(`${W} [data-testid=energy-selected]`).getAttribute('data-atom'), '1');
  assert.match(await page.locator(`${W} [data-testid=energy-legend]`).innerText(), /1 eV\/Å ↦ 2 Å/);
  assert.equal(await page.locator(`${W} .widget-notice`).count(), 0);
  await page.close();

  const p2 = await open('?molecule=unobtainium&atom=99&scale=banana');
  const notices = await p2.locator(`${W} .widget-notice`).allInnerTexts();
  for (const key of ['molecule', 'atom', 'scale']) {
    assert.ok(notices.some((n) => n.startsWith(key)), `no notice for ${key}: ${notices.join(' | ')}`);
  }
  assert.ok(Math.abs(await num(p2, 'energy-total') - ETHANOL_ENERGY) < 1e-5);
  assert.equal(await p2.locator(`${W} [data-testid=energy-selected]`).getAttribute('data-atom'), '8');
  await rotateByDrag(p2);
  await checkOk(p2, 'after bad parameters');
  assert.deepEqual(p2.errors, []);
  await p2.close();

  // aspirin: 21 atoms, all of them H, C or O
  const p3 = await open('?molecule=aspirin');
  assert.ok(Math.abs(await num(p3, 'energy-total') - -525.9602) < 1e-3);
  await rotateByDrag(p3);
  await checkOk(p3, 'aspirin');
  assert.deepEqual(p3.errors, []);
  await p3.close();
});

test('uploads: an element the model does not know is reported, a non-model file keeps the model', async () => {
  const page = await open();
  const e0 = await num(page, 'energy-total');
  const xyz = page.locator(`${W} [data-testid=upload-input]`);
  // hydrogen cyanide: the model knows H and C but not N
  await xyz.setInputFiles({ name: 'hcn.xyz', mimeType: 'text/plain', buffer: Buffer.from('3\nHCN\nH 0 0 -1.06\nC 0 0 0\nN 0 0 1.16\n') });
  const error = page.locator(`${W} [data-testid=energy-error]`);
  await error.waitFor({ timeout: 5000 });
  assert.match(await error.innerText(), /atom 2 is N, but this model only knows H, C, O/);
  assert.ok(await canvasIsDrawn(page.locator(`${W} canvas.view3d`)), 'the molecule is not drawn');
  // the widget still responds: a rotation, then a molecule it can evaluate
  await rotateByDrag(page);
  await xyz.setInputFiles({ name: 'formaldehyde.xyz', mimeType: 'text/plain', buffer: Buffer.from('4\nformaldehyde\nC 0 0 0\nO 0 0 1.21\nH 0 0.94 -0.59\nH 0 -0.94 -0.59\n') });
  await page.waitForFunction((w) => !document.querySelector(`${w} [data-testid=energy-error]`), W, { timeout: 5000 });
  await evaluated(page);
  const eForm = await num(page, 'energy-total');
  assert.ok(Number.isFinite(eForm) && Math.abs(eForm - e0) > 1, `formaldehyde energy ${eForm}`);
  assert.match(await page.locator(`${W} select`).first().inputValue(), /upload/);

  // a file that is not a MACE model: a clear message, and the shipped model stays
  await page.selectOption(`${W} select >> nth=0`, 'ethanol');
  await page.waitForTimeout(150);
  assert.ok(Math.abs(await num(page, 'energy-total') - e0) < 1e-12);
  await page.locator(`${W} [data-testid=model-input]`).setInputFiles({ name: 'not-a-model.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('3\nwater\nO 0 0 0\nH 0.76 0.59 0\nH -0.76 0.59 0\n') });
  const modelError = page.locator(`${W} [data-testid=model-error]`);
  await modelError.waitFor({ timeout: 5000 });
  assert.match(await modelError.innerText(), /not a MACE model file/);
  await rotateByDrag(page);
  await checkOk(page, 'after a bad model file');
  assert.ok(Math.abs(await num(page, 'energy-total') - e0) < 1e-9, 'the model changed after a bad file');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('mace-energy on a phone: everything fits the width and touch-sized controls work', async () => {
  const page = await newPage(site, { viewport: { width: 390, height: 844 } });
  await page.goto(`${site.origin}/embed/${NAME}`);
  await page.waitForSelector(`${W} canvas.view3d[data-draws]`, { timeout: 15000 });
  await evaluated(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  const e0 = await num(page, 'energy-total');
  await page.click(`${W} button[aria-label="move right"]`);
  await page.waitForTimeout(100);
  assert.ok(Math.abs(await num(page, 'energy-total') - e0) > 1e-5);
  assert.deepEqual(page.errors, []);
  await page.close();
});
