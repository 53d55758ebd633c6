// Service worker of Multi-ACE Learning: after the first visit the book works without a network.
// This file is a template: the release build's post-build hook (scripts/post-build.mjs) fills in
// VERSION (a hash of every file of the build) and PRECACHE (the app shell: index.html, the
// chapter and embed pages, the hashed js/css, the wasm bootstraps, fonts, icons; each wasm is kept
// once fetched, so a first visit downloads only its own page's code) and writes it as sw.js at the
// site root. Debug builds (`trunk serve`) have no service worker.
//
// Strategy
// - install: precache the app shell into a cache named after the build (`multiace-<VERSION>`);
// - activate: delete every other `multiace-*` cache, so a new deployment never serves old files;
// - page navigations: network first (always the deployed HTML when online), the cached copy when
//   offline (a chapter page is precached as chapter/<slug>/index.html, which a visit to
//   chapter/<slug> or chapter/<slug>/ finds), else the app shell (the app's own routes);
// - everything else under the scope (the wasm bundles, models, datasets, figures, the slides):
//   the cache first, else the network, storing what it got (models and datasets on first use).
// Nothing outside the site's origin and scope is touched.
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = `multiace-${VERSION}`;
const SCOPE = self.registration.scope;
const SHELL = new URL('index.html', SCOPE).href;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // trunk's hashed files (name-<hash>.js/.wasm/.css) may come from the HTTP cache: the page has
    // just downloaded them, and a name never changes its content. Everything else skips the HTTP
    // cache (`reload`): it must be this build's.
    const hashed = /-[0-9a-f]{8,}(_bg)?\.(js|wasm|css)$/;
    await cache.addAll(PRECACHE.map((p) => new Request(new URL(p, SCOPE).href,
      { cache: hashed.test(p) ? 'default' : 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('multiace-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

const storable = (response) => response && response.ok && response.type === 'basic';

async function navigate(request) {
  const cache = await caches.open(CACHE);
  const key = request.url.split('#')[0].split('?')[0];
  try {
    const response = await fetch(request);
    if (storable(response)) cache.put(key, response.clone());
    return response;
  } catch (offline) {
    const page = `${key.replace(/\/$/, '')}/index.html`;
    return (await cache.match(key)) ?? (await cache.match(page)) ?? (await cache.match(SHELL))
      ?? Response.error();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (storable(response)) cache.put(request, response.clone());
  return response;
}

// A page asks to keep the code it fetched before this worker controlled it (sw-register.js):
// same-origin files under the scope only, into this build's cache, from the HTTP cache if there.
self.addEventListener('message', (event) => {
  const urls = event.data?.ns === 'multiace-sw' && Array.isArray(event.data.keep) ? event.data.keep : [];
  const ours = urls.filter((u) => typeof u === 'string' && u.startsWith(SCOPE));
  if (!ours.length) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const url of ours) {
      if (!(await cache.match(url))) {
        const response = await fetch(url).catch(() => null);
        if (storable(response)) await cache.put(url, response);
      }
    }
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  if (request.headers.has('range')) return;
  event.respondWith(request.mode === 'navigate' ? navigate(request) : cacheFirst(request));
});
