// Lighthouse figures for a served build: each page with Lighthouse's desktop preset and its default
// mobile emulation (both with simulated throttling), `runs` times each, a fresh headless chromium
// (CHROME_PATH, default /usr/bin/chromium) per run. Writes every JSON report and a summary to
// `out`, prints a markdown table of per-metric medians and the failing audits. Lighthouse is not a
// dependency of the repository: scripts/lighthouse.sh installs it into target/lighthouse.
// Usage (with the build served, e.g. by scripts/lighthouse.sh):
//   node scripts/lighthouse.mjs [origin=http://127.0.0.1:8192] [runs=3] [out=target/lighthouse/reports] [paths...]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modules = path.resolve(process.env.LH_MODULES ?? path.join(repo, 'target/lighthouse/node_modules'));
const load = (p) => import(pathToFileURL(path.join(modules, p)).href);
const { default: lighthouse } = await load('lighthouse/core/index.js');
const { default: desktopConfig } = await load('lighthouse/core/config/desktop-config.js');
const chromeLauncher = await load('chrome-launcher/dist/index.js');

const origin = (process.argv[2] ?? 'http://127.0.0.1:8192').replace(/\/$/, '');
const runs = Number(process.argv[3] ?? 3);
const out = path.resolve(process.argv[4] ?? path.join(repo, 'target/lighthouse/reports'));
const paths = process.argv.length > 5 ? process.argv.slice(5)
  : ['/', '/chapter/00-fundamentals', '/chapter/03-mace', '/embed/sh-explorer?l=2&m=1'];
const presets = { desktop: desktopConfig, mobile: undefined }; // undefined = Lighthouse's default (mobile)
const chromeFlags = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const METRICS = { FCP: 'first-contentful-paint', LCP: 'largest-contentful-paint', TBT: 'total-blocking-time',
  CLS: 'cumulative-layout-shift', SI: 'speed-index', TTI: 'interactive' };
const median = (xs) => { const s = xs.filter((x) => x != null).sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : null; };
const slug = (p) => (p.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'landing');
fs.mkdirSync(out, { recursive: true });

// One Lighthouse run: the figures and the failing audits (score < 1, scored audits only).
async function measure(url, config) {
  const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', chromeFlags });
  try {
    const { lhr, report } = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' }, config);
    if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const items = lhr.audits['network-requests'].details?.items ?? [];
    const failing = [];
    for (const [cat, { auditRefs }] of Object.entries(lhr.categories)) {
      for (const { id, group } of auditRefs) {
        const a = lhr.audits[id];
        if (group === 'metrics' || group === 'hidden') continue; // the metrics are in the table
        const failed = a.scoreDisplayMode === 'error'
          || (['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode) && a.score !== null && a.score < 1);
        if (!failed) continue;
        const nodes = (a.details?.items ?? []).map((i) => i.node?.selector ?? i.source?.url ?? i.url).filter(Boolean);
        failing.push({ category: cat, id, title: a.title, score: a.score, displayValue: a.displayValue ?? a.errorMessage ?? '', nodes });
      }
    }
    return {
      report,
      scores: Object.fromEntries(Object.entries(lhr.categories).map(([k, c]) => [k, c.score])),
      metrics: Object.fromEntries(Object.entries(METRICS).map(([k, id]) => [k, lhr.audits[id].numericValue])),
      wasmBytes: items.filter((i) => i.url.endsWith('.wasm')).reduce((s, i) => s + i.transferSize, 0),
      totalBytes: lhr.audits['total-byte-weight'].numericValue,
      failing,
      versions: { lighthouse: lhr.lighthouseVersion, chrome: lhr.environment.hostUserAgent, throttling: lhr.configSettings.throttlingMethod },
    };
  } finally {
    await chrome.kill();
  }
}

const summary = [];
for (const p of paths) {
  for (const [preset, config] of Object.entries(presets)) {
    const results = [];
    for (let i = 1; i <= runs; i++) {
      const r = await measure(origin + p, config);
      fs.writeFileSync(path.join(out, `${slug(p)}-${preset}-${i}.json`), r.report);
      delete r.report;
      results.push(r);
      console.error(`${p} ${preset} run ${i}: performance ${r.scores.performance}, LCP ${Math.round(r.metrics.LCP)} ms`);
    }
    const med = (f) => median(results.map(f));
    const failing = new Map(); // audit id → the audit with the number of runs it failed in
    for (const f of results.flatMap((r) => r.failing)) {
      const key = `${f.category}/${f.id}`;
      failing.set(key, { ...f, runs: (failing.get(key)?.runs ?? 0) + 1 });
    }
    summary.push({
      path: p, preset, runs, versions: results[0].versions,
      scores: Object.fromEntries(Object.keys(results[0].scores).map((k) => [k, med((r) => r.scores[k])])),
      metrics: Object.fromEntries(Object.keys(METRICS).map((k) => [k, med((r) => r.metrics[k])])),
      wasmBytes: med((r) => r.wasmBytes), totalBytes: med((r) => r.totalBytes), failing: [...failing.values()],
    });
  }
}
fs.writeFileSync(path.join(out, 'summary.json'), JSON.stringify(summary, null, 2));

const ms = (x) => (x == null ? '–' : x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const pct = (x) => (x == null ? '–' : Math.round(x * 100));
const kib = (x) => `${Math.round(x / 1024)} KiB`;
const lines = [
  `Lighthouse ${summary[0].versions.lighthouse}, ${summary[0].versions.chrome.match(/Chrome\/[\d.]+/)?.[0]}, ${summary[0].versions.throttling} throttling, median of ${runs} runs`,
  '',
  '| page | preset | perf | FCP | LCP | TBT | CLS | SI | TTI | a11y | BP | SEO | wasm | total |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...summary.map((s) => `| ${s.path} | ${s.preset} | ${pct(s.scores.performance)} | ${ms(s.metrics.FCP)} | ${ms(s.metrics.LCP)} | ${ms(s.metrics.TBT)} | ${s.metrics.CLS.toFixed(3)} | ${ms(s.metrics.SI)} | ${ms(s.metrics.TTI)} | ${pct(s.scores.accessibility)} | ${pct(s.scores['best-practices'])} | ${pct(s.scores.seo)} | ${kib(s.wasmBytes)} | ${kib(s.totalBytes)} |`),
  '',
  'Failing audits (category/id [runs failed of the total]: title; elements):',
  ...summary.flatMap((s) => [`- ${s.path} ${s.preset}:`,
    ...s.failing.map((f) => `  - ${f.category}/${f.id} [${f.runs}/${runs}]: ${f.title}${f.displayValue ? ` (${f.displayValue})` : ''}${f.nodes.length ? `; ${[...new Set(f.nodes)].join(' | ')}` : ''}`)]),
];
fs.writeFileSync(path.join(out, 'summary.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
