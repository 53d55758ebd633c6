// Registers the service worker (sw.js, written by the release build's post-build hook) so the book
// works offline after the first visit. The hook marks a release page with
// <meta name="multiace-sw" content="sw.js">; debug builds (`trunk serve`) have no such tag and no
// service worker. The URL is relative to <base href>, so the worker's scope is the site's base path.
(() => {
  const meta = document.querySelector('meta[name="multiace-sw"]');
  if (!meta || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register(meta.content).catch((err) => {
      console.warn(`offline mode unavailable: ${err.message}`);
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
})();
