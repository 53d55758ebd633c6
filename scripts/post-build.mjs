// trunk post_build hook: makes a release build's index.html safe and hostable. Debug builds
// (`trunk serve`) are left alone: the dev server injects its live-reload script after this hook
// runs, so no hash computed here could allow it, and it answers deep links itself.
// 1. A Content-Security-Policy <meta> that allows only the site's own origin. trunk 0.21 writes an
//    inline bootstrap <script> (and, under `trunk serve`, a live-reload one) and has no nonce option,
//    so every inline script is allowed by its sha256 hash; WebAssembly needs 'wasm-unsafe-eval'.
// 2. Copies of index.html at every route (chapter/<slug>/index.html, embed/<name>/index.html) and
//    404.html, so deep links answer on any static host, not only under `trunk serve`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('post-build: TRUNK_STAGING_DIR is not set (run by trunk as a post_build hook)');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== 'release') {
  console.log('post-build: debug build, no CSP and no route copies');
  process.exit(0);
}
const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const htmlPath = path.join(staging, 'index.html');
let html = fs.readFileSync(htmlPath, 'utf8');

const hashes = [];
for (const match of html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
  hashes.push(`'sha256-${crypto.createHash('sha256').update(match[1], 'utf8').digest('base64')}'`);
}
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  // Inline style attributes (canvas sizing, MathML) are harmless; scripts stay locked down.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/i, '');
html = html.replace(/<head>/i, `<head>\n    ${meta}`);
fs.writeFileSync(htmlPath, html);

// Routes: one chapter per chapters/NN_name.md (slug NN-name), one widget per entry of the registry's
// catalogue in src/widgets/mod.rs (its `name: "…"` fields).
const routes = ['embed'];
for (const file of fs.readdirSync(path.join(source, 'chapters')).filter((f) => f.endsWith('.md'))) {
  routes.push(`chapter/${file.replace(/\.md$/, '').replaceAll('_', '-')}`);
}
const registry = fs.readFileSync(path.join(source, 'src', 'widgets', 'mod.rs'), 'utf8');
for (const match of registry.matchAll(/^\s*name: "([a-z0-9-]+)",$/gm)) routes.push(`embed/${match[1]}`);
for (const route of routes) {
  fs.mkdirSync(path.join(staging, route), { recursive: true });
  fs.writeFileSync(path.join(staging, route, 'index.html'), html);
}
fs.writeFileSync(path.join(staging, '404.html'), html);
console.log(`post-build: CSP with ${hashes.length} script hash(es); ${routes.length} route copies + 404.html`);
