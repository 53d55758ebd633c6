// Starts the deck. A separate file (not an inline script) so the page's Content-Security-Policy
// can stay at script-src 'self'.
/* global Reveal */
Reveal.initialize({
  hash: true,
  width: 1280,
  height: 800,
  margin: 0.04,
  // Load a widget when its slide is shown, not all three at once on the title slide.
  preloadIframes: false,
});
