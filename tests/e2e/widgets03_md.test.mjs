// The chapter-03 widget `mace-md`: molecular dynamics with the shipped MACE model in the page. It
// draws (embedded and in chapter 03) and waits paused for the reader; with no thermostat the total
// energy stays flat (drift < 5 meV over ≥ 500 steps of 0.5 fs); the page runs ≥ 100 MD steps per
// second for ethanol; play/pause by button and space key, reset, thermostats that move the
// temperature, a run that blows up pauses with a message instead of dying, and bad input (URL,
// files) gives messages, never a page error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSite, newPage, canvasIsDrawn, mountWidgets } from './harness.mjs';

const NAME = 'mace-md';
const W = `.widget[data-widget="${NAME}"]`;

let site;
before(async () => { site = await openSite(); });
after(async () => { await site?.close(); });

/** The trajectory's state as the widget reports it (read in one go: it changes every frame). */
async function state(page) {
  return page.locator(`${W} [data-testid=md-state]`).evaluate((el) => ({
    steps: Number(el.dataset.steps),
    time: Number(el.dataset.time),
    temperature: Number(el.dataset.temperature),
    etot: Number(el.dataset.etot),
    drift: Number(el.dataset.drift),
    driftSteps: Number(el.dataset.driftSteps),
  }));
}

async function open(query = '', options = {}) {
  const page = await newPage(site, options);
  await page.goto(`${site.origin}/embed/${NAME}${query}`);
  await page.waitForSelector(`${W} canvas.view3d[data-draws]`, { timeout: 15000 });
  // the model has arrived when Play is enabled
  await page.waitForSelector(`${W} [data-testid=md-play]:not([disabled])`, { timeout: 20000 });
  return page;
}

/** Waits until the trajectory has at least `n` steps. */
async function stepsAtLeast(page, n, timeout = 60000) {
  await page.waitForFunction(([w, k]) => Number(document.querySelector(`${w} [data-testid=md-state]`)?.dataset.steps) >= k,
    [W, n], { timeout });
}

test('mace-md draws embedded and in chapter 03, paused until the reader presses play', async () => {
  for (const route of [`/embed/${NAME}`, '/chapter/03-mace']) {
    const page = await newPage(site);
    await page.goto(site.origin + route);
    await mountWidgets(page);
    const widget = page.locator(W);
    await widget.first().scrollIntoViewIfNeeded({ timeout: 15000 });
    await page.waitForSelector(`${W} [data-testid=md-play]:not([disabled])`, { timeout: 20000 });
    await page.waitForFunction((w) => [...document.querySelectorAll(`${w} canvas`)].every((c) => c.hasAttribute('data-draws')), W);
    await page.waitForTimeout(300);
    for (const canvas of await widget.locator('canvas').all()) {
      assert.ok(await canvasIsDrawn(canvas), `a canvas is blank on ${route}`);
    }
    const s = await state(page);
    assert.equal(s.steps, 0, 'the dynamics ran before play was pressed');
    assert.ok(Math.abs(s.temperature - 300) < 1e-6, `starting temperature ${s.temperature} K`);
    assert.equal(await widget.locator('[data-testid=md-play]').innerText(), 'Play');
    assert.equal(await widget.locator('.widget-notice').count(), 0, `notices on ${route}`);
    assert.deepEqual(page.errors, [], `errors on ${route}`);
    await page.close();
  }
});

test('with no thermostat the total energy stays flat (< 5 meV over ≥ 500 steps of 0.5 fs); the widget reports its rate', async (t) => {
  const page = await open('?thermostat=none&temperature=300&dt=0.5');
  const s0 = await state(page);
  await page.click(`${W} [data-testid=md-play]`);
  await stepsAtLeast(page, 600);
  const s1 = await state(page);
  // the widget's own account: the largest |E_total − E_total(0)| since the start
  assert.ok(s1.driftSteps >= 500, `only ${s1.driftSteps} steps measured`);
  assert.ok(s1.drift < 0.005, `total energy drifted by ${s1.drift} eV over ${s1.driftSteps} steps`);
  // and from the outside: the total energy now against the start
  assert.ok(Math.abs(s1.etot - s0.etot) < 0.005, `E_total ${s0.etot} → ${s1.etot} eV`);
  assert.ok(Math.abs(s1.time - 0.5 * s1.steps) < 1e-6, `time ${s1.time} fs after ${s1.steps} steps`);
  assert.ok(s1.temperature > 50 && s1.temperature < 1000, `temperature ${s1.temperature} K`);
  // throughput: steps per second of wall time, measured by the widget over ≥ 1 s windows
  await page.waitForFunction((w) => document.querySelector(`${w} [data-testid=md-rate]`)?.dataset.value, W);
  const rate = Number(await page.locator(`${W} [data-testid=md-rate]`).getAttribute('data-value'));
  const stepMs = Number(await page.locator(`${W} [data-testid=md-rate]`).getAttribute('data-step-ms'));
  t.diagnostic(`ethanol NVE: drift ${(s1.drift * 1e3).toFixed(2)} meV over ${s1.driftSteps} steps; ${rate} steps/s; ${stepMs} ms per step`);
  // the rate is reported, not asserted: scripts/measure-site.mjs measures it
  assert.ok(rate > 0 && Number.isFinite(stepMs) && stepMs > 0, `rate readout ${rate} steps/s, ${stepMs} ms`);
  // the plot follows
  const draws = Number(await page.locator(`${W} canvas.md-plot`).getAttribute('data-draws'));
  assert.ok(draws > 10, `the energy plot was drawn ${draws} times`);
  // pause: nothing moves any more
  await page.click(`${W} [data-testid=md-play]`);
  await page.waitForTimeout(100);
  const p1 = (await state(page)).steps;
  await page.waitForTimeout(400);
  assert.equal((await state(page)).steps, p1, 'steps continued after pause');
  assert.equal(await page.locator(`${W} [data-testid=md-play]`).innerText(), 'Play');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('space plays and pauses, arrows rotate the view, Reset starts again from the same velocities', async () => {
  const page = await open('?thermostat=none');
  const canvas = page.locator(`${W} canvas.view3d`);
  const s0 = await state(page);
  await canvas.focus();
  await page.keyboard.press(' ');
  await stepsAtLeast(page, 30, 20000);
  await page.keyboard.press(' ');
  await page.waitForTimeout(100);
  const paused = (await state(page)).steps;
  await page.waitForTimeout(300);
  assert.equal((await state(page)).steps, paused, 'space did not pause');
  const draws = Number(await canvas.getAttribute('data-draws'));
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(100);
  assert.ok(Number(await canvas.getAttribute('data-draws')) > draws, 'ArrowLeft did not redraw');
  await page.click(`${W} [data-testid=md-reset]`);
  await page.waitForTimeout(100);
  const s1 = await state(page);
  assert.equal(s1.steps, 0);
  assert.equal(s1.etot, s0.etot, 'Reset did not restore the starting state (seeded velocities)');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a Berendsen thermostat heats the molecule to a new target; the select and the time step apply at once', async () => {
  const page = await open('?thermostat=berendsen&temperature=100&friction=0.1');
  assert.match(await page.locator(`${W} .md-dynamics .widget-hint`).innerText(), /Berendsen, τ = 1\/γ = 10 fs/);
  await page.click(`${W} [data-testid=md-play]`);
  await stepsAtLeast(page, 50);
  // raise the target to 1000 K: τ = 10 fs brings the molecule there within a few hundred steps
  const temperature = page.locator(`${W} input[type=range]`).nth(0);
  await temperature.fill('1000');
  await temperature.dispatchEvent('change');
  assert.match(page.url(), /temperature=1000/);
  const from = (await state(page)).steps;
  await stepsAtLeast(page, from + 400);
  const temps = [];
  for (let k = 0; k < 5; k++) {
    temps.push((await state(page)).temperature);
    await page.waitForTimeout(60);
  }
  const mean = temps.reduce((a, b) => a + b, 0) / temps.length;
  assert.ok(mean > 600 && mean < 1400, `temperature ${temps.map(Math.round).join(', ')} K with a 1000 K target`);
  // the thermostat select and the time-step slider apply at once, and write the URL
  await page.selectOption(`${W} [data-testid=md-thermostat]`, 'langevin');
  assert.match(page.url(), /thermostat=langevin/);
  assert.match(await page.locator(`${W} .md-dynamics .widget-hint`).innerText(), /Langevin/);
  const dt = page.locator(`${W} input[type=range]`).nth(1);
  await dt.fill('1');
  await dt.dispatchEvent('change');
  assert.match(page.url(), /dt=1(&|$)/);
  const a = await state(page);
  await page.waitForTimeout(300);
  const b = await state(page);
  assert.ok(b.steps > a.steps && Math.abs((b.time - a.time) - (b.steps - a.steps)) < 1e-6,
    `after dt = 1 fs: ${a.steps}→${b.steps} steps, ${a.time}→${b.time} fs`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a trajectory that blows up pauses with a message and a reset button', async () => {
  // 2000 K with 2 fs steps and no thermostat: ethanol comes apart within ~100 steps
  const page = await open('?thermostat=none&temperature=2000&dt=2');
  await page.click(`${W} [data-testid=md-play]`);
  const error = page.locator(`${W} [data-testid=md-error]`);
  await error.waitFor({ timeout: 30000 });
  assert.match(await error.innerText(), /come apart|blew up|non-finite/);
  assert.equal(await page.locator(`${W} [data-testid=md-play]`).innerText(), 'Play');
  const stopped = (await state(page)).steps;
  await page.waitForTimeout(300);
  assert.equal((await state(page)).steps, stopped, 'the dynamics continued after the blow-up');
  await error.locator('button').click();
  await page.waitForTimeout(100);
  assert.equal(await error.count(), 0, 'the message stayed after reset');
  assert.equal((await state(page)).steps, 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('bad URL values give notices; files the model cannot use give messages, not page errors', async () => {
  const page = await open('?temperature=5000&dt=abc&thermostat=nose-hoover&friction=-1&molecule=unobtainium');
  const notices = await page.locator(`${W} .widget-notice`).allInnerTexts();
  for (const key of ['temperature', 'dt', 'thermostat', 'friction', 'molecule']) {
    assert.ok(notices.some((n) => n.startsWith(key)), `no notice for ${key}: ${notices.join(' | ')}`);
  }
  assert.ok(Math.abs((await state(page)).temperature - 2000) < 1e-6);
  const xyz = page.locator(`${W} [data-testid=upload-input]`);
  // two atoms on top of each other: the core refuses the structure
  await xyz.setInputFiles({ name: 'bad.xyz', mimeType: 'text/plain', buffer: Buffer.from('3\ncoincident\nO 0 0 0\nH 0 0 0\nH 0.9 0 0\n') });
  const error = page.locator(`${W} [data-testid=md-error]`);
  await error.waitFor({ timeout: 5000 });
  assert.match(await error.innerText(), /cannot evaluate|closer|coincid/i);
  assert.ok(await page.locator(`${W} [data-testid=md-play]`).isDisabled(), 'Play is enabled without a trajectory');
  // an element the model does not know
  await xyz.setInputFiles({ name: 'hcn.xyz', mimeType: 'text/plain', buffer: Buffer.from('3\nHCN\nH 0 0 -1.06\nC 0 0 0\nN 0 0 1.16\n') });
  await page.waitForFunction((w) => /only knows H, C, O/.test(document.querySelector(`${w} [data-testid=md-error]`)?.innerText ?? ''), W, { timeout: 5000 });
  // back to a molecule the model knows: it runs again
  await page.selectOption(`${W} select >> nth=1`, 'water');
  await page.waitForSelector(`${W} [data-testid=md-play]:not([disabled])`);
  assert.equal(await error.count(), 0);
  await page.click(`${W} [data-testid=md-play]`);
  await stepsAtLeast(page, 20, 20000);
  // a file that is not a model keeps the shipped one
  await page.locator(`${W} [data-testid=model-input]`).setInputFiles({ name: 'x.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') });
  await page.locator(`${W} [data-testid=model-error]`).waitFor({ timeout: 5000 });
  const n = (await state(page)).steps;
  await page.waitForTimeout(300);
  assert.ok((await state(page)).steps > n, 'the dynamics stopped after a bad model file');
  assert.deepEqual(page.errors, []);
  await page.close();
});
