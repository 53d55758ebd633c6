// The page's own behaviour, before and without the wasm. Loaded in <head> (not deferred), so:
// - <html> gets the `js` class before the first paint: the stylesheet hides the no-script
//   answers of exercises and notes only when scripts run;
// - a stored theme choice (or an embed's `?theme=`) is applied before the first paint (no flash
//   of the other theme);
// - on a pre-rendered chapter page (body[data-prerendered]) the contents drawer and the theme
//   button work at once, whether or not the wasm has arrived. The Leptos pages (landing, catalogue,
//   figures, embeds) have their own header and skip this part.
(() => {
  const root = document.documentElement;
  root.classList.add('js');
  const KEY = 'multiace-theme';
  let stored = null;
  try { stored = localStorage.getItem(KEY); } catch { /* private mode: no stored choice */ }
  if (stored === 'dark' || stored === 'light') root.dataset.theme = stored;
  // An embed page (<html class="embedded">) takes its theme from `?theme=`, as its widget does.
  if (root.classList.contains('embedded')) {
    const asked = new URLSearchParams(location.search).get('theme');
    if (asked === 'dark' || asked === 'light') root.dataset.theme = asked;
    else delete root.dataset.theme;
    // The compact mode (`?chrome=0`, src/embed.rs) before the first paint as well.
    const chrome = new URLSearchParams(location.search).get('chrome');
    if (chrome === '0' || chrome === 'false') root.classList.add('compact');
  }

  const current = () => root.dataset.theme
    ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  const label = (button) => {
    const dark = current() === 'dark';
    button.textContent = dark ? '☀ Light' : '☾ Dark';
    button.setAttribute('aria-label', dark ? 'Switch to the light theme' : 'Switch to the dark theme');
  };

  document.addEventListener('DOMContentLoaded', () => {
    if (!document.body.hasAttribute('data-prerendered')) return;
    const theme = document.querySelector('.theme-toggle');
    const toggle = document.querySelector('.toc-toggle');
    const toc = document.getElementById('toc');
    if (theme) {
      label(theme);
      theme.addEventListener('click', () => {
        const next = current() === 'dark' ? 'light' : 'dark';
        root.dataset.theme = next;
        try { localStorage.setItem(KEY, next); } catch { /* the choice lasts this page only */ }
        label(theme);
      });
    }
    if (toggle && toc) {
      const open = (yes) => {
        toc.classList.toggle('open', yes);
        toggle.setAttribute('aria-expanded', String(yes));
      };
      toggle.addEventListener('click', () => open(!toc.classList.contains('open')));
      toc.addEventListener('click', (ev) => { if (ev.target.closest('a')) open(false); });
      document.addEventListener('keydown', (ev) => {
        if (ev.key === 'Escape' && toc.classList.contains('open')) open(false);
      });
    }
  });
})();
