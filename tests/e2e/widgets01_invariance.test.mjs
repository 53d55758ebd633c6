// The chapter-01 widgets `ace-invariance` and `incompleteness`: they draw, follow the reader's
// drags, shuffles and uploads, read their URL, and show the numbers the core computed: B does not
// move (relative change < 1e-12) while A does; the ν = 2 invariants of the homometric pair agree
// to rounding error while the ν = 3 invariants differ.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSite, newPage, canvasIsDrawn, mountWidgets } from './harness.mjs';

const WIDGETS = ['ace-invariance', 'incompleteness'];

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

/** The `data-value` of a test hook as a number. */
async function value(page, testid) {
  return Number(await page.locator(`[data-testid=${testid}]`).getAttribute('data-value'));
}

/** Drags across the middle of `locator` in `steps` moves, optionally holding shift. */
async function drag(page, locator, steps = 12, shift = false) {
  const box = await locator.boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  if (shift) await page.keyboard.down('Shift');
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) await page.mouse.move(cx + 7 * i, cy + 3 * i);
  await page.mouse.up();
  if (shift) await page.keyboard.up('Shift');
  await page.waitForTimeout(100);
}

async function openInvariance(query = '') {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/ace-invariance${query}`);
  await page.waitForSelector('.widget[data-widget="ace-invariance"] canvas.view3d[data-draws]', { timeout: 15000 });
  return page;
}

test('both widgets draw non-blank canvases, embedded and in chapter 01', async () => {
  for (const name of WIDGETS) {
    for (const route of [`/embed/${name}`, '/chapter/01-atomic-cluster-expansion']) {
      const page = await newPage(site);
      await page.goto(site.origin + route);
      await mountWidgets(page);
      const widget = page.locator(`.widget[data-widget="${name}"]`);
      await widget.first().scrollIntoViewIfNeeded({ timeout: 15000 });
      await page.waitForFunction(
        (n) => [...document.querySelectorAll(`.widget[data-widget="${n}"] canvas`)]
          .every((c) => c.hasAttribute('data-draws')),
        name, { timeout: 15000 });
      for (const canvas of await widget.locator('canvas').all()) {
        assert.ok(await canvasIsDrawn(canvas), `a ${name} canvas is blank on ${route}`);
      }
      assert.deepEqual(page.errors, [], `errors on ${route}`);
      await page.close();
    }
  }
});

test('dragging the molecule moves A but leaves B unchanged to < 1e-12', async () => {
  const page = await openInvariance();
  assert.equal(await value(page, 'ace-a-change'), 0);
  assert.equal(await value(page, 'ace-invariance-deviation'), 0);
  const canvas = page.locator('.widget[data-widget="ace-invariance"] canvas.view3d');
  for (let round = 0; round < 3; round++) {
    await drag(page, canvas);
    const dev = await value(page, 'ace-invariance-deviation');
    const aChange = await value(page, 'ace-a-change');
    assert.ok(Number.isFinite(dev) && dev < 1e-12, `B moved by ${dev} (round ${round})`);
    assert.ok(aChange > 1e-2, `A did not change (${aChange})`);
  }
  // the arrow keys rotate too, once the canvas has focus
  await page.click('.widget[data-widget="ace-invariance"] button.chip >> text=starting pose');
  await page.waitForTimeout(100);
  assert.equal(await value(page, 'ace-a-change'), 0);
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(100);
  assert.ok(await value(page, 'ace-a-change') > 1e-3, 'ArrowRight did not rotate');
  assert.ok(await value(page, 'ace-invariance-deviation') < 1e-12);
  // frames stay within budget: both canvases report their draw time
  const ms = await page.locator('.widget[data-widget="ace-invariance"] canvas')
    .evaluateAll((cs) => cs.map((c) => Number(c.dataset.drawMs)));
  for (const t of ms) assert.ok(Number.isFinite(t) && t >= 0, `draw time readout ${t} ms`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('translating and shuffling like atoms keep B unchanged and the centre identified', async () => {
  const page = await openInvariance();
  const canvas = page.locator('.widget[data-widget="ace-invariance"] canvas.view3d');
  const translation = page.locator('.widget[data-widget="ace-invariance"] >> text=/t = \\(/');
  const t0 = await translation.innerText();
  await drag(page, canvas, 8, true);
  assert.notEqual(await translation.innerText(), t0, 'shift+drag did not translate');
  await page.click('[aria-label="translate left"]');
  assert.ok(await value(page, 'ace-invariance-deviation') < 1e-12);
  for (let k = 0; k < 6; k++) {
    await page.click('[data-testid=ace-shuffle]');
    await page.waitForTimeout(50);
    const dev = await value(page, 'ace-invariance-deviation');
    assert.ok(Number.isFinite(dev) && dev < 1e-12, `B moved by ${dev} after a shuffle`);
    const centre = page.locator('[data-testid=ace-centre]');
    assert.equal(await centre.getAttribute('data-atom'), '1', 'the centre atom changed');
    const position = Number(await centre.getAttribute('data-value'));
    assert.ok([0, 1].includes(position), `the centre (a C) is listed at ${position}, not at a C slot`);
  }
  await drag(page, canvas);
  assert.ok(await value(page, 'ace-invariance-deviation') < 1e-12);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('clicking an atom makes it the centre (and B is then that atom\'s)', async () => {
  const page = await openInvariance();
  const canvas = page.locator('.widget[data-widget="ace-invariance"] canvas.view3d');
  const centre = page.locator('[data-testid=ace-centre]');
  const box = await canvas.boundingBox();
  // the atoms sit near the middle of the view: click a grid there until one is hit
  let atom = '1';
  for (let i = 0; i < 9 && atom === '1'; i++) {
    for (let j = 0; j < 9 && atom === '1'; j++) {
      await page.mouse.click(box.x + box.width * (0.3 + 0.05 * i), box.y + box.height * (0.3 + 0.05 * j));
      atom = await centre.getAttribute('data-atom');
    }
  }
  assert.notEqual(atom, '1', 'no click reached another atom');
  assert.match(page.url(), new RegExp(`centre=${atom}`));
  await drag(page, canvas);
  assert.ok(await value(page, 'ace-invariance-deviation') < 1e-12);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('ace-invariance reads its URL and counts A and B per ν', async () => {
  const page = await openInvariance('?molecule=water&centre=0&nu=2&lmax=1&nmax=3&rcut=3');
  const counts = page.locator('[data-testid=ace-counts]');
  await counts.waitFor();
  // water: species H, O; A = 2 species × 3 n × 4 (l, m); ν = 1: 6; ν = 2: one dot product per
  // unordered pair of channels (z, n) of equal l: 21 for each of l = 0 and 1
  assert.equal(await counts.getAttribute('data-a'), '24');
  assert.equal(await counts.getAttribute('data-b'), '6,42');
  assert.equal(await page.locator('[data-testid=ace-centre]').getAttribute('data-atom'), '0');
  assert.equal(await page.locator('.widget-notice').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('absurd parameters give notices and a working widget; too large a basis is refused', async () => {
  const page = await openInvariance('?molecule=unobtainium&centre=99&nu=banana&lmax=99&nmax=-4&rcut=NaN');
  const notices = await page.locator('.widget-notice').allInnerTexts();
  for (const key of ['molecule', 'centre', 'nu', 'lmax', 'nmax', 'rcut']) {
    assert.ok(notices.some((n) => n.startsWith(key)), `no notice for ${key}: ${notices.join(' | ')}`);
  }
  await drag(page, page.locator('.widget[data-widget="ace-invariance"] canvas.view3d'));
  assert.ok(await value(page, 'ace-invariance-deviation') < 1e-12);
  await page.close();

  // ν = 4 with l_max = 6 would take seconds per frame: the slider is refused with a message
  const p2 = await openInvariance('?nu=4&lmax=1&nmax=1');
  const before = await p2.locator('[data-testid=ace-counts]').getAttribute('data-b');
  const lmax = p2.locator('.widget[data-widget="ace-invariance"] input[type=range]').nth(1);
  await lmax.fill('6');
  await p2.waitForTimeout(100);
  const msg = await p2.locator('.widget-notice').allInnerTexts();
  assert.ok(msg.some((m) => /too large/.test(m)), `no refusal message: ${msg.join(' | ')}`);
  assert.equal(await p2.locator('[data-testid=ace-counts]').getAttribute('data-b'), before);
  assert.deepEqual(p2.errors, []);
  await p2.close();
});

test('ace-invariance: a malformed upload keeps the molecule, a good one replaces it', async () => {
  const page = await openInvariance();
  const counts = page.locator('[data-testid=ace-counts]');
  const input = page.locator('.widget[data-widget="ace-invariance"] [data-testid=upload-input]');
  const a0 = await counts.getAttribute('data-a');
  await input.setInputFiles({ name: 'bad.xyz', mimeType: 'text/plain', buffer: Buffer.from('2\ncomment\nC 0 0 0\nH 1.0 abc 0\n') });
  const error = page.locator('[data-testid=upload-error]');
  await error.waitFor({ timeout: 5000 });
  assert.match(await error.innerText(), /line 4/);
  assert.equal(await counts.getAttribute('data-a'), a0, 'the molecule changed after a bad file');
  // methane-like: one C centre and four H (species H and C: A = 2 × 2 × 9)
  const ch4 = '5\nmy methane\nC 0 0 0\nH 0.63 0.63 0.63\nH -0.63 -0.63 0.63\nH -0.63 0.63 -0.63\nH 0.63 -0.63 -0.63\n';
  await input.setInputFiles({ name: 'ch4.xyz', mimeType: 'text/plain', buffer: Buffer.from(ch4) });
  await page.waitForFunction(() => document.querySelector('[data-testid=ace-counts]')?.getAttribute('data-a') === '36');
  assert.equal(await error.count(), 0, 'the error stayed after a good file');
  await drag(page, page.locator('.widget[data-widget="ace-invariance"] canvas.view3d'));
  assert.ok(await value(page, 'ace-invariance-deviation') < 1e-12);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('incompleteness: ν = 2 agrees to < 1e-12, ν = 3 differs by > 1e-6', async () => {
  for (const query of ['', '?lmax=2&r=2.2', '?lmax=4&r=1']) {
    const page = await newPage(site);
    await page.goto(`${site.origin}/embed/incompleteness${query}`);
    await page.locator('[data-testid=incompleteness-nu3]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=incompleteness-nu3]')?.getAttribute('data-value'));
    const nu2 = await value(page, 'incompleteness-nu2');
    const nu3 = await value(page, 'incompleteness-nu3');
    assert.ok(Number.isFinite(nu2) && nu2 < 1e-12, `ν = 2 differs by ${nu2} (${query})`);
    assert.ok(nu3 > 1e-6, `ν = 3 differs by only ${nu3} (${query})`);
    assert.match(await page.locator('[data-testid=incompleteness-nu2]').innerText(), /power spectrum cannot tell them apart/);
    assert.match(await page.locator('[data-testid=incompleteness-nu3]').innerText(), /bispectrum tells them apart/);
    // rotating the views changes nothing
    await drag(page, page.locator('.widget[data-widget="incompleteness"] canvas.view3d').first());
    assert.equal(await value(page, 'incompleteness-nu2'), nu2);
    assert.deepEqual(page.errors, [], `errors for ${query}`);
    await page.close();
  }
});

test('incompleteness reads its URL and clamps absurd values with a notice', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/incompleteness?lmax=1`);
  await page.locator('[data-testid=incompleteness-nu3]').waitFor();
  // below l = 2 the bispectrum cannot see the triangles either
  assert.ok(await value(page, 'incompleteness-nu3') < 1e-12);
  assert.equal(await page.locator('.widget[data-widget="incompleteness"] input[type=range]').first().inputValue(), '1');
  await page.close();

  const p2 = await newPage(site);
  await p2.goto(`${site.origin}/embed/incompleteness?lmax=40&r=-3`);
  await p2.locator('.widget-notice').first().waitFor({ timeout: 15000 });
  const notices = await p2.locator('.widget-notice').allInnerTexts();
  assert.ok(notices.some((n) => n.startsWith('lmax')) && notices.some((n) => n.startsWith('r')), notices.join(' | '));
  assert.ok(await value(p2, 'incompleteness-nu2') < 1e-12);
  assert.ok(await value(p2, 'incompleteness-nu3') > 1e-6);
  assert.deepEqual(p2.errors, []);
  await p2.close();
});
