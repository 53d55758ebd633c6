// Browser measurement: time to interactive of the book's pages and the median draw time of every
// widget, in Debian's headless chromium on loopback. Reads the `data-draw-ms` each widget canvas
// writes after every draw; for chapter 03, `mace-energy` frame times (evaluate + draw) and `mace-md`
// MD steps per second. Prints JSON. Usage (after `trunk build --release --dist target/e2e-dist`):
//   node scripts/measure-site.mjs [dist=target/e2e-dist] [frames=60]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './static-server.mjs';
import { CHROMIUM_ARGS, CHAPTER00_WIDGETS } from '../tests/e2e/harness.mjs';

// Chapter 01's canvases that redraw on interaction; `ace-fit` is measured by its fit time instead.
const CHAPTER01_WIDGETS = ['neighbour-density', 'radial-basis', 'ace-invariance', 'incompleteness'];
// Chapter 02's canvases (`irreps-calculator` has none: it is text and tables).
const CHAPTER02_WIDGETS = ['vector-products', 'equivariant-layer', 'gate'];
// Canvas widgets of chapters 03 and 04 (mace-energy and mace-md have their own measurements below;
// mace-architecture and equation-steps are HTML without a canvas).
const CHAPTER03_04_WIDGETS = ['correlation-order', 'design-space', 'body-order', 'experiment'];

const dist = path.resolve(process.argv[2] ?? 'target/e2e-dist');
const frames = Number(process.argv[3] ?? 60);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };

const server = await startServer(dist, 0);
const origin = `http://127.0.0.1:${server.address().port}`;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'multiace-measure-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 },
});

async function timeToInteractive(route, selector) {
  const samples = [];
  for (let i = 0; i < 5; i++) {
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(origin + route);
    await page.waitForSelector(selector, { timeout: 20000 });
    samples.push(Date.now() - start);
    await page.close();
  }
  return median(samples);
}

/** Redraw `frames` times by dragging (or, if a drag does not redraw, by keys and sliders). */
async function frameTimes(name) {
  const page = await context.newPage();
  await page.goto(`${origin}/embed/${name}`);
  const canvasSel = `.widget[data-widget="${name}"] canvas[data-draws]`;
  await page.waitForSelector(canvasSel, { timeout: 20000 });
  const canvas = page.locator(canvasSel).first();
  const box = await canvas.boundingBox();
  const draws = () => page.locator(canvasSel).evaluateAll((cs) => cs.map((c) => Number(c.dataset.draws)).reduce((a, b) => a + b, 0));
  const perCanvas = () => page.locator(canvasSel).evaluateAll((cs) => cs.map((c) => [Number(c.dataset.draws), Number(c.dataset.drawMs)]));
  const samples = [];
  const drivers = [
    async (i) => { await page.mouse.move(box.x + box.width / 2 + (i % 2 ? 6 : -6), box.y + box.height / 2 + 3); },
    async () => { await canvas.focus(); await page.keyboard.press('ArrowRight'); },
    async (i) => {
      const slider = page.locator(`.widget[data-widget="${name}"] input[type=range]`).first();
      const [min, max] = await slider.evaluate((s) => [Number(s.min), Number(s.max)]);
      await slider.fill(String(min + ((i % 10) / 10) * (max - min)));
    },
  ];
  let driver = null;
  for (const candidate of drivers) {
    const before = await draws();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await candidate(1).catch(() => {});
    await page.waitForTimeout(50);
    await page.mouse.up();
    if ((await draws()) > before) { driver = candidate; break; }
  }
  if (!driver) { await page.close(); return { widget: name, error: 'no interaction redraws the widget' }; }
  const useDrag = driver === drivers[0];
  if (useDrag) { await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2); await page.mouse.down(); }
  // Widgets that compute before drawing (ace-invariance, correlation-order) expose that time as
  // data-compute-ms; it counts in a frame only when it changed (a rotation recomputes nothing).
  const computeMs = () => page.locator(`.widget[data-widget="${name}"] [data-compute-ms]`).first()
    .getAttribute('data-compute-ms', { timeout: 100 }).catch(() => null);
  for (let i = 0; i < frames; i++) {
    const before = await perCanvas();
    const total = before.reduce((a, [n]) => a + n, 0);
    const computeBefore = await computeMs();
    await driver(i);
    await page.waitForFunction(([sel, n]) => [...document.querySelectorAll(sel)]
      .map((c) => Number(c.dataset.draws)).reduce((a, b) => a + b, 0) > n, [canvasSel, total], { timeout: 2000 }).catch(() => {});
    // A frame's cost: the draw times of the canvases that redrew in it.
    const after = await perCanvas();
    const redrawn = after.filter(([n], k) => n > (before[k]?.[0] ?? 0));
    const computeAfter = await computeMs();
    const compute = computeAfter !== null && computeAfter !== computeBefore ? Number(computeAfter) : 0;
    if (redrawn.length) samples.push(redrawn.reduce((a, [, ms]) => a + ms, 0) + compute);
  }
  if (useDrag) await page.mouse.up();
  await page.close();
  const round = (x) => Math.round(x * 100) / 100;
  return { widget: name, frames: samples.length, median_draw_ms: round(median(samples)), max_draw_ms: round(Math.max(...samples)) };
}

const tti = {
  landing: await timeToInteractive('/', 'main'),
  'chapter-00': await timeToInteractive('/chapter/00-fundamentals', 'article.chapter .widget canvas[data-draws]'),
  'chapter-01': await timeToInteractive('/chapter/01-atomic-cluster-expansion', 'article.chapter .widget canvas[data-draws]'),
  'chapter-02': await timeToInteractive('/chapter/02-equivariant-neural-networks', 'article.chapter .widget canvas[data-draws]'),
  'chapter-03': await timeToInteractive('/chapter/03-mace', 'article.chapter .widget canvas[data-draws]'),
  'chapter-04': await timeToInteractive('/chapter/04-multi-ace-framework', 'article.chapter .widget canvas[data-draws]'),
};
const MEASURED = [...CHAPTER00_WIDGETS, ...CHAPTER01_WIDGETS, ...CHAPTER02_WIDGETS, ...CHAPTER03_04_WIDGETS];
for (const n of MEASURED) {
  tti[`embed/${n}`] = await timeToInteractive(`/embed/${n}`, `.widget[data-widget="${n}"] canvas[data-draws]`);
}
const report = { time_to_interactive_ms: tti, widgets: [] };
for (const name of MEASURED) report.widgets.push(await frameTimes(name));

/** The `ace-fit` default fit: wall time as the widget reports it (fetch of the data excluded). */
async function fitTimes(runs) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const page = await context.newPage();
    await page.goto(`${origin}/embed/ace-fit`);
    await page.waitForSelector('[data-testid=fit-status][data-state=done]', { timeout: 60000 });
    out.push(Number(await page.locator('[data-testid=fit-ms]').getAttribute('data-value')));
    await page.close();
  }
  return { runs: out.length, median_fit_ms: median(out), max_fit_ms: Math.max(...out) };
}
report.ace_fit_default = await fitTimes(5);

/**
 * `mace-energy`: the MACE model is evaluated inside the canvas's draw callback, so a frame's
 * `data-draw-ms` is evaluate + draw. Frames while dragging an atom (with the molecule rotated first,
 * so each frame evaluates x and R x) and while rotating (one evaluation of R x per frame); the
 * evaluation alone is `data-eval-ms` on the energy readout.
 */
async function maceEnergyFrames(n) {
  const page = await context.newPage();
  await page.goto(`${origin}/embed/mace-energy`);
  const w = '.widget[data-widget="mace-energy"]';
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=energy-total]`)?.dataset.value, w, { timeout: 30000 });
  const canvas = page.locator(`${w} canvas.view3d`);
  const box = await canvas.boundingBox();
  const draws = () => canvas.evaluate((c) => Number(c.dataset.draws));
  const sample = () => page.evaluate((sel) => ({
    frame: Number(document.querySelector(`${sel} canvas.view3d`).dataset.drawMs),
    evaluate: Number(document.querySelector(`${sel} [data-testid=energy-total]`).dataset.evalMs),
  }), w);
  const run = async (x, y, dx, dy) => {
    const out = [];
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= n; i++) {
      const before = await draws();
      await page.mouse.move(x + dx * Math.sin(i / 5), y + dy * Math.cos(i / 7));
      await page.waitForFunction(([sel, k]) => Number(document.querySelector(sel).dataset.draws) > k,
        [`${w} canvas.view3d`, before], { timeout: 2000 }).catch(() => {});
      out.push(await sample());
    }
    await page.mouse.up();
    return out;
  };
  const orbit = await run(box.x + box.width * 0.1, box.y + box.height * 0.1, 40, 20);
  const sel = await canvas.evaluate((c) => [Number(c.dataset.selX), Number(c.dataset.selY)]);
  const atom = await run(box.x + sel[0], box.y + sel[1], 12, 8);
  await page.close();
  const round = (x) => Math.round(x * 100) / 100;
  const stats = (xs, key) => ({ [`median_${key}_ms`]: round(median(xs.map((s) => s[key]))), [`max_${key}_ms`]: round(Math.max(...xs.map((s) => s[key]))) });
  return {
    widget: 'mace-energy',
    molecule: 'ethanol',
    rotating: { frames: orbit.length, evaluations_per_frame: 1, ...stats(orbit, 'frame'), ...stats(orbit, 'evaluate') },
    dragging_atom: { frames: atom.length, evaluations_per_frame: 2, ...stats(atom, 'frame'), ...stats(atom, 'evaluate') },
  };
}

/** `mace-md`: MD steps per second of wall time (ethanol, no thermostat, 0.5 fs), counted from outside. */
async function maceMdRate(seconds) {
  const page = await context.newPage();
  await page.goto(`${origin}/embed/mace-md?thermostat=none`);
  const w = '.widget[data-widget="mace-md"]';
  await page.waitForSelector(`${w} [data-testid=md-play]:not([disabled])`, { timeout: 30000 });
  await page.click(`${w} [data-testid=md-play]`);
  await page.waitForTimeout(1500); // warm up
  const read = () => page.evaluate((sel) => ({
    t: performance.now(),
    steps: Number(document.querySelector(`${sel} [data-testid=md-state]`).dataset.steps),
    drift: Number(document.querySelector(`${sel} [data-testid=md-state]`).dataset.drift),
    widget_rate: Number(document.querySelector(`${sel} [data-testid=md-rate]`).dataset.value),
    step_ms: Number(document.querySelector(`${sel} [data-testid=md-rate]`).dataset.stepMs),
    draw_ms: [...document.querySelectorAll(`${sel} canvas`)].map((c) => Number(c.dataset.drawMs)),
  }), w);
  const a = await read();
  await page.waitForTimeout(seconds * 1000);
  const b = await read();
  await page.close();
  const round = (x) => Math.round(x * 100) / 100;
  return {
    widget: 'mace-md',
    molecule: 'ethanol',
    seconds,
    steps_per_s: round(((b.steps - a.steps) * 1000) / (b.t - a.t)),
    widget_reported_steps_per_s: b.widget_rate,
    ms_per_step: b.step_ms,
    last_draw_ms: { molecule: b.draw_ms[0], plot: b.draw_ms[1] },
    nve_drift_meV: round(b.drift * 1000),
    steps: b.steps,
  };
}
report.mace_energy = await maceEnergyFrames(frames);
report.mace_md = await maceMdRate(5);
console.log(JSON.stringify(report, null, 2));
await context.close();
server.close();
fs.rmSync(profile, { recursive: true, force: true });
