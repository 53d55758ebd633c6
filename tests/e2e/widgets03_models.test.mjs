// mace-energy with the reader's own MACE models (issue 12): the mace-torch edge-case models of
// tools/make_mace_edge_fixtures.py (one interaction, scalar features, correlation 1, radial widths
// 1-4, 1o and 1e features, four elements) give mace-torch's energy on benzene in the page, finite
// forces, and no error; a model whose finite weights overflow is refused by name and the previous
// model is kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openSite, newPage } from './harness.mjs';

const NAME = 'mace-energy';
const W = `.widget[data-widget="${NAME}"]`;
const FIXTURES = path.resolve(import.meta.dirname, '../../crates/core/tests/fixtures');
const edge = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'mace_edge_parity.json'), 'utf8'));

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

async function attr(page, testid) {
  const v = await page.locator(`${W} [data-testid=${testid}]`).getAttribute('data-value');
  return v === null || v === '' ? NaN : Number(v);
}

async function load(page, file) {
  const name = path.basename(file);
  await page.locator(`${W} [data-testid=model-input]`).setInputFiles({
    name, mimeType: 'application/octet-stream', buffer: fs.readFileSync(path.resolve(FIXTURES, '../../../..', file)),
  });
}

test('every edge-case mace-torch model gives mace-torch energy on benzene in the page', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/${NAME}?molecule=benzene`);
  await page.waitForSelector(`${W} canvas.view3d[data-draws]`, { timeout: 15000 });
  let worst = 0;
  for (const m of edge.models) {
    const want = m.structures.find((s) => s.name === 'benzene').energy;
    await load(page, m.file);
    await page.locator(`${W} [data-testid=model-note]`).filter({ hasText: path.basename(m.file) }).waitFor({ timeout: 10000 });
    await page.waitForFunction(([w, e]) => {
      const v = Number(document.querySelector(`${w} [data-testid=energy-total]`)?.getAttribute('data-value'));
      return Math.abs(v - e) < 1e-6 * Math.abs(e);
    }, [W, want], { timeout: 10000 });
    const e = await attr(page, 'energy-total');
    const fmax = await attr(page, 'energy-fmax');
    worst = Math.max(worst, Math.abs(e - want) / Math.abs(want));
    assert.ok(Number.isFinite(fmax), `${m.file}: max |F| ${fmax}`);
    assert.equal(await page.locator(`${W} [data-testid=energy-error]`).count(), 0, m.file);
  }
  console.log(`worst relative energy difference against mace-torch in Chromium: ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-12, `worst ${worst}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a model whose weights overflow is refused by name and the previous model is kept', async () => {
  const page = await newPage(site);
  await page.goto(`${site.origin}/embed/${NAME}`);
  await page.waitForSelector(`${W} canvas.view3d[data-draws]`, { timeout: 15000 });
  await page.waitForFunction((w) => document.querySelector(`${w} [data-testid=energy-total]`)?.getAttribute('data-value'), W, { timeout: 20000 });
  const e0 = await attr(page, 'energy-total');
  await load(page, edge.overflow.file);
  const error = page.locator(`${W} [data-testid=model-error]`);
  await error.waitFor({ timeout: 10000 });
  assert.match(await error.innerText(), /non-finite energy.*previous model is kept/);
  assert.equal(await attr(page, 'energy-total'), e0);
  assert.deepEqual(page.errors, []);
  await page.close();
});
