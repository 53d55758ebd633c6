// Starts the deck. A separate file (not an inline script) so the page's Content-Security-Policy
// can stay at script-src 'self'. ../embed.js (the site's host script, loaded before this file)
// sizes the widget frames, gives the keys back to the deck on Esc and forwards a clicker's keys
// (PageDown/PageUp, N/P, Space) from a focused widget to Reveal.next()/prev().
/* global Reveal, MultiAce */
Reveal.initialize({
  hash: true,
  width: 1280,
  height: 800,
  margin: 0.04,
  // Load a widget when its slide is shown, not all three at once on the title slide.
  preloadIframes: false,
});

// A fragment with data-multiace-set="<query>" drives the widget of its slide (embed.js sends
// `set`); stepping back restores the previous fragment's state, or the frame's own URL.
function stateBefore(section) {
  const shown = [...section.querySelectorAll('.fragment.visible[data-multiace-set]')];
  if (shown.length) return shown[shown.length - 1].getAttribute('data-multiace-set');
  const frame = section.querySelector('iframe');
  const src = frame && (frame.getAttribute('data-src') || frame.getAttribute('src'));
  return src ? new URL(src, location.href).search.slice(1) : null;
}
Reveal.on('fragmentshown', (event) => {
  for (const el of event.fragments || [event.fragment]) MultiAce.apply(el);
});
Reveal.on('fragmenthidden', (event) => {
  const el = event.fragment;
  if (!el || !el.hasAttribute('data-multiace-set')) return;
  const section = el.closest('section');
  const frame = section && section.querySelector('iframe');
  const query = section && stateBefore(section);
  if (frame && query !== null) MultiAce.set(frame, query);
});
// A new slide takes the keyboard from a widget left focused on the old one.
Reveal.on('slidechanged', () => MultiAce.focusHost());
