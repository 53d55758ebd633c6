// The chapter-01 widgets `neighbour-density` and `radial-basis`, and the molecule upload shared by
// every molecule widget: they draw, read their URL, fall back on absurd parameters with a notice,
// pick a centre atom by click, and load (or refuse) the reader's own .xyz file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSite, newPage, canvasIsDrawn, mountWidgets } from './harness.mjs';

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

const ND = '.widget[data-widget="neighbour-density"]';
const RB = '.widget[data-widget="radial-basis"]';

async function waitDrawn(page, widget) {
  await page.waitForFunction(
    (sel) => {
      const cs = [...document.querySelectorAll(`${sel} canvas`)];
      return cs.length > 0 && cs.every((c) => Number(c.getAttribute('data-draws') ?? 0) > 0);
    },
    widget, { timeout: 15000 });
}

const AMMONIA = '4\nammonia\nN 0 0 0\nH 0.94 0 -0.33\nH -0.47 0.81 -0.33\nH -0.47 -0.81 -0.33\n';
const BROKEN = '3\nbroken\nC 0 0 0\nH 1.0 banana 0\nH 0 1 0\n';

test('both widgets draw every canvas, in the chapter and embedded, without console errors', async () => {
  for (const [name, sel] of [['neighbour-density', ND], ['radial-basis', RB]]) {
    for (const route of [`/embed/${name}`, '/chapter/01-atomic-cluster-expansion']) {
      const page = await newPage(site);
      await page.goto(site.origin + route);
      await mountWidgets(page);
      await page.locator(`${sel} canvas`).first().scrollIntoViewIfNeeded({ timeout: 15000 });
      await waitDrawn(page, sel);
      for (const canvas of await page.locator(`${sel} canvas`).all()) {
        await canvas.scrollIntoViewIfNeeded();
        assert.ok(await canvasIsDrawn(canvas), `${name}: a blank canvas on ${route}`);
        const ms = Number(await canvas.getAttribute('data-draw-ms'));
        assert.ok(Number.isFinite(ms), `${name}: data-draw-ms missing`);
      }
      assert.deepEqual(page.errors, [], `errors on ${route}`);
      await page.close();
    }
  }
});

test('neighbour-density opens on atom 1 of ethanol; the expansion converges as l_max grows', async () => {
  const errAt = async (lmax) => {
    const page = await newPage(site);
    await page.goto(`${site.origin}/embed/neighbour-density?lmax=${lmax}`);
    const hook = page.locator('[data-testid=nd-truncation-error]');
    await hook.waitFor();
    assert.equal(await page.locator('[data-testid=nd-centre]').getAttribute('data-value'), '1');
    assert.match(await page.locator('[data-testid=nd-centre]').innerText(), /8 neighbours/);
    const v = Number(await hook.getAttribute('data-value'));
    assert.deepEqual(page.errors, []);
    await page.close();
    return v;
  };
  const e2 = await errAt(2);
  const e6 = await errAt(6);
  const e12 = await errAt(12);
  assert.ok(Number.isFinite(e2) && e2 > e6 && e6 > e12, `errors ${e2} > ${e6} > ${e12}`);
  assert.ok(e12 < 1e-3, `l_max = 12 leaves ${e12}`);
});

test('clicking another atom of the molecule makes it the centre', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/neighbour-density`);
  await waitDrawn(page, ND);
  const hook = page.locator('[data-testid=nd-centre]');
  const before = await hook.getAttribute('data-value');
  const box = await page.locator(`${ND} canvas.view3d`).first().boundingBox();
  let after = before;
  // scan the canvas: somewhere there is an atom other than the centre
  scan: for (let i = 3; i <= 13; i++) {
    for (let j = 3; j <= 13; j++) {
      await page.mouse.click(box.x + (box.width * i) / 16, box.y + (box.height * j) / 16);
      after = await hook.getAttribute('data-value');
      if (after !== before) break scan;
    }
  }
  assert.notEqual(after, before, 'no click changed the centre');
  assert.equal(await page.locator('[data-testid=nd-centre-select]').inputValue(), after);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('dragging the molecule rotates it without changing the centre', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/neighbour-density`);
  await waitDrawn(page, ND);
  const canvas = page.locator(`${ND} canvas.view3d`).first();
  const draws = Number(await canvas.getAttribute('data-draws'));
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + 40, box.y + 40);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(box.x + 40 + 10 * i, box.y + 40 + 4 * i);
  await page.mouse.up();
  await page.waitForTimeout(150);
  assert.ok(Number(await canvas.getAttribute('data-draws')) > draws, 'no redraw after a drag');
  assert.equal(await page.locator('[data-testid=nd-centre]').getAttribute('data-value'), '1');
  await page.close();
});

test('neighbour-density reads its URL and falls back on absurd parameters with notices', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/neighbour-density?molecule=water&centre=0&lmax=3&rcut=2`);
  await waitDrawn(page, ND);
  assert.equal(await page.locator('[data-testid=nd-centre]').getAttribute('data-value'), '0');
  assert.match(await page.locator('[data-testid=nd-centre]').innerText(), /atom 0 \(O\) · 2 neighbours within 2\.00/);
  await page.close();

  const bad = await newPage(site);
  await bad.goto(`${site.origin}/embed/neighbour-density?molecule=unobtainium&centre=500&lmax=99&rcut=banana&kappa=-3`);
  await waitDrawn(bad, ND);
  const notices = await bad.locator(`${ND} .widget-notice`).allInnerTexts();
  for (const key of ['molecule', 'centre', 'lmax', 'rcut', 'kappa']) {
    assert.ok(notices.some((n) => n.startsWith(`${key}:`)), `no notice for ${key}: ${notices}`);
  }
  // ethanol (default) with the centre clamped to its last atom
  assert.equal(await bad.locator('[data-testid=nd-centre]').getAttribute('data-value'), '8');
  assert.ok(await canvasIsDrawn(bad.locator(`${ND} canvas.view3d`).first()));
  assert.deepEqual(bad.errors, []);
  await bad.close();
});

test('a malformed upload shows the line and keeps the molecule; a good one replaces it', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/neighbour-density`);
  await waitDrawn(page, ND);
  const input = page.locator(`${ND} [data-testid=upload-input]`);
  const options = page.locator(`${ND} [data-testid=nd-centre-select] option`);
  assert.equal(await options.count(), 9);

  await input.setInputFiles({ name: 'broken.xyz', mimeType: 'chemical/x-xyz', buffer: Buffer.from(BROKEN) });
  const error = page.locator(`${ND} [data-testid=upload-error]`);
  await error.waitFor();
  assert.match(await error.innerText(), /^line 4: /);
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.equal(await options.count(), 9, 'the molecule was replaced by a broken file');
  assert.match(await page.locator('[data-testid=nd-centre]').innerText(), /8 neighbours/);

  await input.setInputFiles({ name: 'nh3.xyz', mimeType: 'chemical/x-xyz', buffer: Buffer.from(AMMONIA + AMMONIA) });
  await page.locator(`${ND} [data-testid=upload-note]`).waitFor();
  assert.match(await page.locator(`${ND} [data-testid=upload-note]`).innerText(), /4 atoms \(the first of 2 frames\)/);
  assert.equal(await error.count(), 0, 'the error stays after a good upload');
  assert.equal(await options.count(), 4);
  assert.match(await page.locator('[data-testid=nd-centre]').innerText(), /atom 1 \(H\) · 3 neighbours/);
  await page.waitForTimeout(200);
  assert.ok(await canvasIsDrawn(page.locator(`${ND} canvas.view3d`).first()));

  // a file that parses but has two atoms on one spot: the core's neighbour list refuses it
  await input.setInputFiles({ name: 'twins.xyz', mimeType: 'chemical/x-xyz', buffer: Buffer.from('2\ntwins\nC 0 0 0\nC 0 0 0\n') });
  await page.locator(`${ND} p.widget-error[role=alert]`).first().waitFor();
  assert.match(await page.locator(`${ND} p.widget-error[role=alert]`).first().innerText(), /atom/i);
  await page.waitForTimeout(200);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('uploads refuse molecules over 2,000 atoms; the rotation widget takes a dropped file', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/rotation`);
  await waitDrawn(page, '.widget[data-widget="rotation"]');
  const lines = ['2001', 'too big'];
  for (let i = 0; i < 2001; i++) lines.push(`H ${i} 0 0`);
  await page.locator('[data-testid=upload-input]').setInputFiles({
    name: 'big.xyz', mimeType: 'chemical/x-xyz', buffer: Buffer.from(lines.join('\n')),
  });
  await page.locator('[data-testid=upload-error]').waitFor();
  assert.match(await page.locator('[data-testid=upload-error]').innerText(), /2001 atoms.*2000/);

  const widget = page.locator('.widget[data-widget="rotation"]');
  const transfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'ammonia.xyz', { type: 'chemical/x-xyz' }));
    return dt;
  }, AMMONIA);
  await widget.dispatchEvent('dragover', { dataTransfer: transfer });
  await widget.dispatchEvent('drop', { dataTransfer: transfer });
  await page.locator('[data-testid=upload-note]').waitFor();
  assert.equal(await page.locator('[data-testid=upload-error]').count(), 0);
  assert.equal(await page.locator('.widget[data-widget="rotation"] select').first().inputValue(), 'upload');
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** R_n(r) of the Bessel basis, written out here to check the widget against the formula. */
function besselRadial(n, r, rc, p = 6) {
  const u = r / rc;
  const env = 1 - ((p + 1) * (p + 2) / 2) * u ** p + p * (p + 2) * u ** (p + 1) - (p * (p + 1) / 2) * u ** (p + 2);
  return Math.sqrt(2 / rc) * Math.sin((n * Math.PI * r) / rc) / r * env;
}

test('radial-basis: the default Bessel values at r_cut/2 match the formula', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/radial-basis`);
  const hook = page.locator('[data-testid=rb-values]');
  await hook.waitFor();
  const r = Number(await hook.getAttribute('data-r'));
  const values = (await hook.getAttribute('data-values')).split(',').map(Number);
  assert.equal(r, 2.5);
  assert.equal(values.length, 6);
  values.forEach((v, k) => {
    const want = besselRadial(k + 1, r, 5);
    assert.ok(Math.abs(v - want) < 1e-12, `R_${k + 1}(2.5) = ${v}, formula ${want}`);
  });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('radial-basis reads its URL, clamps absurd values with notices, and reads out under the pointer', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/radial-basis?basis=chebyshev&nmax=3`);
  await waitDrawn(page, RB);
  const hook = page.locator('[data-testid=rb-values]');
  assert.equal((await hook.getAttribute('data-values')).split(',').length, 3);
  assert.equal(await page.locator(`${RB} .chip[role=radio][aria-checked="true"]`).innerText(), 'chebyshev');
  assert.equal(await page.locator(`${RB} .chip[aria-pressed]`).count(), 0, 'radios carry aria-checked only');
  // Chebyshev: R_1 = T_0 × cosine envelope = ½(1 + cos(π/2)) = 0.5 at r_cut / 2
  assert.ok(Math.abs(Number((await hook.getAttribute('data-values')).split(',')[0]) - 0.5) < 1e-12);
  assert.equal(await page.locator(`${RB} .widget-notice`).count(), 0);

  const canvas = page.locator(`${RB} canvas`);
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const readout = page.locator('[data-testid=rb-hover]');
  await readout.waitFor();
  assert.match(await readout.innerText(), /r = \d\.\d{3} Å/);
  const r = Number(await readout.getAttribute('data-r'));
  assert.ok(r > 0 && r < 5.5, `hover r = ${r}`);
  await page.close();

  const bad = await newPage(site);
  await bad.goto(`${site.origin}/embed/radial-basis?basis=spline&nmax=1000&rcut=-1&deriv=maybe`);
  await waitDrawn(bad, RB);
  const notices = await bad.locator(`${RB} .widget-notice`).allInnerTexts();
  for (const key of ['basis', 'nmax', 'rcut', 'deriv']) {
    assert.ok(notices.some((n) => n.startsWith(`${key}:`)), `no notice for ${key}: ${notices}`);
  }
  const hookBad = bad.locator('[data-testid=rb-values]');
  assert.equal((await hookBad.getAttribute('data-values')).split(',').length, 12);
  assert.equal(Number(await hookBad.getAttribute('data-r')), 1);
  assert.ok(await canvasIsDrawn(bad.locator(`${RB} canvas`)));
  assert.deepEqual(bad.errors, []);
  await bad.close();
});
