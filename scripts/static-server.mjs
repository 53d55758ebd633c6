// A tiny static file server for the built site (dist/), used by the browser tests and the
// measurement script. Like a static host with a 404.html fallback, unknown paths without a
// file extension get index.html, so client-side routes survive a reload.
// Usage: node scripts/static-server.mjs [dir=dist] [port=8090] [base=/] [--gzip]
//   --gzip: compress text, JS, CSS, wasm, SVG and JSON when the request accepts gzip, as GitHub
//   Pages does (off by default; scripts/lighthouse.sh uses it for realistic transfer sizes).
//   base: serve the site under a sub-path, as GitHub Pages does for a project site
//   (`trunk build --public-url /multiace/` → base /multiace/); paths outside it answer 404.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const args = process.argv.slice(2).filter((a) => a !== '--gzip');
const root = path.resolve(args[0] ?? 'dist');
const port = Number(args[1] ?? 8090);
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.json': 'application/json', '.woff2': 'font/woff2', '.woff': 'font/woff', '.otf': 'font/otf',
  '.xyz': 'text/plain', '.ico': 'image/x-icon', '.webmanifest': 'application/manifest+json',
};
const compressible = /^(text\/|application\/(wasm|json|manifest\+json)|image\/svg\+xml)/;

// Send `file` with `status` and `type`; gzipped only with options.gzip and a gzip-accepting request.
function send(req, res, options, status, type, file) {
  if (options.gzip && compressible.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
    res.writeHead(status, { 'content-type': type, 'content-encoding': 'gzip', vary: 'Accept-Encoding' });
    fs.createReadStream(file).pipe(zlib.createGzip()).pipe(res);
    return;
  }
  res.writeHead(status, { 'content-type': type });
  fs.createReadStream(file).pipe(res);
}

/**
 * Serve `dir` on 127.0.0.1:`listenPort` (0 = a free port). Options:
 * - `base`: the sub-path the site lives under ("/" by default; "/multiace/" like a project page);
 * - `redirectDirs`: answer a directory without its trailing slash with a 301 to the slash, as
 *   GitHub Pages and most static hosts do (so relative links in /slides/index.html resolve);
 * - `pages404`: answer an unknown path with 404.html and status 404, as GitHub Pages does,
 *   instead of index.html with 200.
 * - `gzip`: gzip text, JS, CSS, wasm, SVG and JSON responses when the request accepts gzip, as
 *   GitHub Pages does (off by default: responses are sent uncompressed).
 */
export function startServer(dir = root, listenPort = port, options = {}) {
  const base = `/${(options.base ?? '/').replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(base) && url.pathname !== base.slice(0, -1)) {
      res.writeHead(404); res.end('not found (outside the base path)'); return;
    }
    const rel = url.pathname.slice(base.length - 1) || '/';
    let file = path.join(dir, decodeURIComponent(rel));
    if (!file.startsWith(dir)) { res.writeHead(403); res.end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      if (options.redirectDirs && !url.pathname.endsWith('/')) {
        res.writeHead(301, { location: `${url.pathname}/${url.search}` }); res.end(); return;
      }
      file = path.join(file, 'index.html');
    }
    if (!fs.existsSync(file)) {
      if (path.extname(file)) { res.writeHead(404); res.end('not found'); return; }
      if (options.pages404 && fs.existsSync(path.join(dir, '404.html'))) {
        send(req, res, options, 404, types['.html'], path.join(dir, '404.html'));
        return;
      }
      file = path.join(dir, 'index.html');
    }
    send(req, res, options, 200, types[path.extname(file)] ?? 'application/octet-stream', file);
  });
  return new Promise((resolve) => server.listen(listenPort, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = args[2] ?? '/';
  const gzip = process.argv.includes('--gzip');
  startServer(root, port, { base, gzip })
    .then(() => console.log(`serving ${root} on http://127.0.0.1:${port}${base}${gzip ? ' (gzip)' : ''}`));
}
