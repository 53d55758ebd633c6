import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/static-server.mjs';
import { CHROMIUM_ARGS, CHAPTERS } from './harness.mjs';
const server = await startServer(process.env.E2E_DIST, 0, {});
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const out = {};
for (const width of [1280, 360]) {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  for (const slug of CHAPTERS) {
    await page.goto(`${origin}/chapter/${slug}`);
    await page.waitForTimeout(500);
    const slots = await page.locator('.widget-slot').count();
    for (let i = 0; i < slots; i++) {
      const slot = page.locator('.widget-slot').nth(i);
      await slot.scrollIntoViewIfNeeded();
      await slot.locator('.widget[data-widget]').waitFor({ timeout: 20000 });
    }
    await page.waitForTimeout(4000);
    const hs = await page.locator('.widget-slot > .widget[data-widget]').evaluateAll((ws) => ws.map((w) => [w.dataset.widget, Math.ceil(w.getBoundingClientRect().height)]));
    for (const [n, h] of hs) { out[n] ??= {}; out[n][width] = h; }
    if (width === 1280) await page.screenshot({ path: `/tmp/m13/${slug}-full.png`, fullPage: false });
  }
  await page.close();
}
console.log(JSON.stringify(out));
await browser.close();
server.close();
