// trunk post_build hook: makes a build's index.html safe, hostable and usable offline.
// Every build (also `trunk serve`):
// 1. slides/: the reveal.js deck of examples/slides (copied by trunk) gets reveal.js itself from
//    node_modules (npm's reveal.js, pinned in package.json) in slides/reveal/, never from a CDN.
// 2. figures/figures.json: the list of the SVGs in figures/ (copied by trunk), which the /figures
//    gallery shows.
// 3. The pre-rendered pages: `multiace-site` (crates/site) writes chapter/<slug>/index.html, each
//    the finished page (text, MathML, contents, exercises, widget placeholders) in the frame of
//    index.html, embed/<name>/index.html (one widget alone) and previews/*.svg. In release builds
//    it runs after the CSP is in index.html, so every page carries it, and after the bundles.
// Release builds only:
// 3a. Code splitting: the wasm bundles (src/bundles/*.rs, one binary per family of widgets) built
//    with cargo, wasm-bindgen and wasm-opt (as trunk builds the whole app) into bundles/, named by
//    a hash of their content; bundles/list.txt tells multiace-site which page runs which. Every
//    step is cached under the cargo target dir by that hash (a second build of the same code,
//    e.g. under another --public-url, only copies).
// Also release builds only (the dev server injects its live-reload script after this hook runs, so no
// hash computed here could allow it, and it answers deep links itself):
// 4. A Content-Security-Policy <meta> that allows only the site's own origin. trunk 0.21 writes an
//    inline bootstrap <script> and has no nonce option, so every inline script is allowed by its
//    sha256 hash; WebAssembly needs 'wasm-unsafe-eval'.
// 6. sw.js, the service worker (template assets/offline/sw.js): precache list = the app shell with
//    trunk's hashed file names; cache name = a hash of every file of the build, so a new deployment
//    replaces the old caches. The chapter pages are precached too (read offline, never visited).
//    A <meta name="multiace-sw"> tells sw-register.js to register it.
// 5. Copies of index.html at the app's routes (embed/, figures/) and 404.html,
//    so deep links answer on any static host (GitHub Pages included), not only under `trunk serve`.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('post-build: TRUNK_STAGING_DIR is not set (run by trunk as a post_build hook)');
  process.exit(1);
}
const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const release = process.env.TRUNK_PROFILE === 'release';

// 1. reveal.js for the slides.
const slides = path.join(staging, 'slides');
if (fs.existsSync(slides)) {
  const reveal = path.join(source, 'node_modules', 'reveal.js');
  if (!fs.existsSync(path.join(reveal, 'dist', 'reveal.js'))) {
    console.error('post-build: node_modules/reveal.js is missing: run scripts/setup.sh (npm ci)');
    process.exit(1);
  }
  const out = path.join(slides, 'reveal');
  fs.mkdirSync(path.join(out, 'theme'), { recursive: true });
  // serif.css uses system fonts (white.css inlines 570 KB of fonts; simple.css imports Google Fonts).
  for (const f of ['reveal.js', 'reveal.css', 'reset.css', 'theme/serif.css']) {
    fs.copyFileSync(path.join(reveal, 'dist', f), path.join(out, f));
  }
  fs.copyFileSync(path.join(reveal, 'LICENSE'), path.join(out, 'LICENSE'));
}

// 2. The figures list.
const figures = path.join(staging, 'figures');
if (fs.existsSync(figures)) {
  const list = fs.readdirSync(figures).filter((f) => f.endsWith('.svg')).sort().map((file) => {
    const head = fs.readFileSync(path.join(figures, file), 'utf8').slice(0, 2000);
    const attr = (name) => Number(head.match(new RegExp(`<svg[^>]*\\s${name}="([0-9.]+)`))?.[1] ?? 0);
    return { file, width: attr('width'), height: attr('height'), bytes: fs.statSync(path.join(figures, file)).size };
  });
  fs.writeFileSync(path.join(figures, 'figures.json'), `${JSON.stringify(list, null, 1)}\n`);
}

const htmlPath = path.join(staging, 'index.html');

// 3. The pre-rendered pages, from the index.html as it is at this point.
function renderPages(bundleList) {
  // The debug profile: the renderer is small and runs in a fraction of a second either way.
  execFileSync('cargo', ['run', '--quiet', '--offline', '--locked', '-p', 'multiace-site', '--',
    '--template', htmlPath, '--out', staging,
    '--chapters', path.join(source, 'chapters'), '--fonts', path.join(source, 'assets', 'fonts'),
    ...(bundleList ? ['--bundles', bundleList] : [])],
  { cwd: source, stdio: 'inherit' });
}

// 3a. The bundles (names as in Cargo.toml's [[bin]] bundle-<name>).
const BUNDLES = ['so3', 'ace', 'networks', 'mace', 'multiace', 'reader'];
function buildBundles() {
  execFileSync('cargo', ['build', '--release', '--offline', '--locked', '--target', 'wasm32-unknown-unknown',
    ...BUNDLES.flatMap((b) => ['--bin', `bundle-${b}`])], { cwd: source, stdio: 'inherit' });
  const target = path.resolve(source, process.env.CARGO_TARGET_DIR ?? 'target');
  const cacheRoot = path.join(target, 'multiace-bundles');
  const out = path.join(staging, 'bundles');
  fs.mkdirSync(out, { recursive: true });
  const lines = [];
  for (const b of BUNDLES) {
    const wasm = path.join(target, 'wasm32-unknown-unknown', 'release', `bundle-${b}.wasm`);
    const stem = `${b}-${crypto.createHash('sha256').update(fs.readFileSync(wasm)).digest('hex').slice(0, 16)}`;
    const cached = path.join(cacheRoot, stem);
    if (!fs.existsSync(path.join(cached, 'done'))) {
      fs.rmSync(cached, { recursive: true, force: true });
      execFileSync('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', cached,
        '--out-name', stem, wasm], { stdio: 'inherit' });
      const bg = path.join(cached, `${stem}_bg.wasm`);
      execFileSync('wasm-opt', ['-Oz', '--output', bg, bg], { stdio: 'inherit' });
      fs.writeFileSync(path.join(cached, 'done'), '');
    }
    for (const f of fs.readdirSync(cached)) {
      if (f !== 'done') fs.cpSync(path.join(cached, f), path.join(out, f), { recursive: true });
    }
    lines.push(`${b} bundles/${stem}.js bundles/${stem}_bg.wasm`);
  }
  const list = path.join(out, 'list.txt');
  fs.writeFileSync(list, `# bundle  js  wasm (scripts/post-build.mjs)\n${lines.join('\n')}\n`);
  return list;
}

if (!release) {
  renderPages(null);
  console.log('post-build: debug build, pre-rendered pages with the whole app (no bundles, CSP, service worker or route copies)');
  process.exit(0);
}

let html = fs.readFileSync(htmlPath, 'utf8');

// 4. The policy.
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
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/i, '');
html = html.replace(/<meta name="multiace-sw"[^>]*>\s*/i, '');
html = html.replace(/<head>/i, `<head>\n    ${meta}\n    <meta name="multiace-sw" content="sw.js">`);
fs.writeFileSync(htmlPath, html);
renderPages(buildBundles());

// 5. Routes of the app: the widget catalogue and the figures gallery (the embed pages are
// pre-rendered). Written before the service worker, whose cache name hashes every file.
const routes = ['embed', 'figures'];
for (const route of routes) {
  fs.mkdirSync(path.join(staging, route), { recursive: true });
  fs.writeFileSync(path.join(staging, route, 'index.html'), html);
}
fs.writeFileSync(path.join(staging, '404.html'), html);

// 6. The service worker. Precache the shell: index.html, the chapter and embed pages, the
// top-level js/css (trunk's hashed names, shell.js, sw-register.js, the bootstraps), wasm-bindgen
// snippets, fonts and icons. The wasm (the whole app's and each bundle) is kept once fetched, as
// are models, datasets, figures, previews and slides: a first visit downloads only its page's code.
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
  const p = path.join(dir, e.name);
  return e.isDirectory() ? walk(p) : [path.relative(staging, p).split(path.sep).join('/')];
});
const files = walk(staging).filter((f) => f !== 'sw.js').sort();
const precache = files.filter((f) => f === 'index.html' || f === 'search-index.json' || /^((chapter|embed)\/[^/]+\/|print\/)index\.html$/.test(f)
  || (!f.includes('/') && /\.(js|css)$/.test(f)) || /^bundles\/boot-[^/]+\.js$/.test(f)
  || /^(snippets|fonts|icons)\//.test(f));
const version = crypto.createHash('sha256');
for (const f of files) version.update(`${f}\0`).update(fs.readFileSync(path.join(staging, f)));
const buildHash = version.digest('hex').slice(0, 16);
const template = fs.readFileSync(path.join(source, 'assets', 'offline', 'sw.js'), 'utf8');
fs.writeFileSync(path.join(staging, 'sw.js'), template
  .replace("'__VERSION__'", JSON.stringify(buildHash))
  .replace('__PRECACHE__', JSON.stringify(precache)));

console.log(`post-build: CSP with ${hashes.length} script hash(es); sw.js version ${buildHash}, `
  + `${precache.length} files precached; ${BUNDLES.length} bundles; ${routes.length} route copies + 404.html`);
