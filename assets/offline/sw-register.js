// Registers the service worker (sw.js, written by the release build's post-build hook) so the book
// works offline after the first visit. The hook marks a release page with
// <meta name="multiace-sw" content="sw.js">; debug builds (`trunk serve`) have no such tag and no
// service worker. The URL is relative to <base href>, so the worker's scope is the site's base path.
(() => {
  const meta = document.querySelector('meta[name="multiace-sw"]');
  if (!meta || !('serviceWorker' in navigator)) return;
  // The wasm a page fetched before its first worker took control did not pass through it: once a
  // worker is ready, ask it to keep those files too (each wasm is kept once fetched, not precached).
  const keepLoaded = (worker) => {
    const urls = performance.getEntriesByType('resource').map((e) => e.name)
      .filter((u) => /\.(wasm|js)$/.test(new URL(u).pathname));
    if (worker && urls.length) worker.postMessage({ ns: 'multiace-sw', keep: urls });
  };
  const register = () => {
    navigator.serviceWorker.register(meta.content).catch((err) => {
      console.warn(`offline mode unavailable: ${err.message}`);
    });
    navigator.serviceWorker.ready.then((reg) => {
      keepLoaded(reg.active);
      // A bundle that starts later (the reader scrolled) passes through the worker if it controls
      // the page; otherwise ask again when it arrives.
      new PerformanceObserver(() => keepLoaded(reg.active)).observe({ type: 'resource' });
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
})();
