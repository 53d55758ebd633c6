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
    // the word hides on a phone (book.css); the label says it to a screen reader
    button.querySelector('[aria-hidden]').textContent = dark ? '☀' : '☾';
    button.querySelector('.theme-word').textContent = dark ? ' Light' : ' Dark';
    button.setAttribute('aria-label', dark ? 'Switch to the light theme' : 'Switch to the dark theme');
  };

  document.addEventListener('DOMContentLoaded', () => {
    if (root.classList.contains('embedded')) return;
    searchKeys();
    samePageLinks();
    // the app's pages draw their header later: listen on the document
    document.addEventListener('click', (ev) => { if (ev.target.closest?.('.search-open')) openSearch(); });
    // Arriving from a search result: search.js marks the words in the section (only then loaded).
    const hasHit = () => { try { return sessionStorage.getItem('multiace-search-hit') !== null; } catch { return false; } };
    const markHit = () => { if (hasHit()) loadSearch().then((search) => search.highlightHit()).catch(() => {}); };
    markHit();
    addEventListener('multiace-search-hit', markHit);
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
    document.querySelector('.print-now')?.addEventListener('click', () => print());
    chapterKeys();
    progress(toc);
    keepPlace();
    focusableScrollers();
    scrollspy(toc);
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

  // `fn` at most once per frame while the reader scrolls.
  function onScrollFrame(fn) {
    let queued = false;
    addEventListener('scroll', () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; fn(); });
    }, { passive: true });
  }

  // `fn` once the page has painted: reading layout earlier would force the first layout.
  function afterFirstPaint(fn) {
    const go = () => requestAnimationFrame(() => setTimeout(fn, 0));
    if (document.readyState === 'complete') go(); else addEventListener('load', go, { once: true });
  }

  // The pages write same-page links with their own path (a bare #id resolves against
  // <base href>). A host may serve the page at path/ as well as path: a link to path#id is still
  // this page, so scroll there instead of loading the page again.
  function samePageLinks() {
    const bare = (p) => p.replace(/\/(index\.html)?$/, '');
    document.addEventListener('click', (ev) => {
      const a = ev.target.closest?.('a[href*="#"]');
      if (!a || ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      if (a.origin !== location.origin || bare(a.pathname) !== bare(location.pathname) || !a.hash) return;
      const target = document.getElementById(decodeURIComponent(a.hash.slice(1)));
      if (!target) return;
      ev.preventDefault();
      history.pushState(null, '', `${location.pathname}${location.search}${a.hash}`);
      target.scrollIntoView();
      if (target.tabIndex >= 0 || target.id === 'main') target.focus({ preventScroll: true });
    });
  }

  // Search (search.js and its index) loads on first use: `/`, `s`, Ctrl+K or the header button.
  const loadSearch = () => import(new URL('search.js', document.baseURI).href);
  function openSearch() {
    loadSearch()
      .then((search) => search.open())
      .catch((err) => console.warn(`search unavailable: ${err.message}`));
  }
  const typing = (t) => t instanceof Element
    && t.closest('input, textarea, select, [contenteditable], dialog');
  function searchKeys() {
    document.addEventListener('keydown', (ev) => {
      const ctrlK = (ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 'k';
      const plain = !ev.ctrlKey && !ev.metaKey && !ev.altKey && (ev.key === '/' || ev.key === 's');
      if (ev.defaultPrevented || !(ctrlK || plain) || typing(ev.target)) return;
      if (plain && ev.target instanceof Element && ev.target.closest('.widget')) return;
      ev.preventDefault();
      openSearch();
    });
  }

  // The reader's progress: solved exercises per chapter in the contents (the exercises store
  // `ok|…` under multiace-exercise:<id>, src/exercise.rs), and the place to continue from (the
  // chapter and the section in view), which the landing page offers.
  function progress(toc) {
    const solved = (id) => { try { return localStorage.getItem(`multiace-exercise:${id}`)?.startsWith('ok|'); } catch { return false; } };
    const show = () => toc?.querySelectorAll('li[data-exercises]').forEach((li) => {
      const ids = li.dataset.exercises.split(' ');
      const done = ids.filter(solved).length;
      let badge = li.querySelector(':scope > a .toc-progress');
      if (!badge) {
        badge = document.createElement('span');
        badge.className = 'toc-progress';
        li.querySelector(':scope > a')?.append(badge);
      }
      badge.textContent = `${done}/${ids.length}`;
      badge.title = `${done} of ${ids.length} exercises solved`;
      badge.classList.toggle('all-done', done === ids.length);
    });
    show();
    // Another tab, or this page's exercises (they write localStorage; "storage" fires elsewhere only).
    addEventListener('storage', show);
    document.addEventListener('click', (ev) => { if (ev.target.closest?.('.exercise .check')) setTimeout(show, 0); });
    document.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' && ev.target.closest?.('.exercise')) setTimeout(show, 0); });
    const article = document.querySelector('article.chapter');
    if (!article) return;
    const remember = () => {
      const at = toc?.querySelector('.toc-sections a.in-view');
      // path, section and title on three lines (src/landing.rs reads them)
      const place = [location.pathname, at ? new URL(at.href).hash : '', document.title].join('\n');
      try { localStorage.setItem('multiace-last-place', place); } catch { /* not kept */ }
    };
    addEventListener('pagehide', remember);
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') remember(); });
  }

  // Resizing the window or turning a phone re-flows the text above the reader: the paragraph at
  // the top of the screen is remembered while they scroll and put back where it was after the
  // new layout (the browser's scroll anchoring covers content changes, not a new width).
  function keepPlace() {
    const article = document.querySelector('article.chapter');
    if (!article) return;
    let anchor = null;
    let offset = 0;
    const record = () => {
      const box = article.getBoundingClientRect();
      const header = document.querySelector('.site-header')?.getBoundingClientRect().bottom ?? 0;
      let el = document.elementFromPoint(box.left + Math.min(40, box.width / 2), header + 12);
      while (el && el.parentElement && el.parentElement !== article && !el.parentElement.classList.contains('prose')) {
        el = el.parentElement;
      }
      if (el && article.contains(el)) {
        anchor = el;
        offset = el.getBoundingClientRect().top;
      }
    };
    let restoring = false;
    onScrollFrame(() => { if (!restoring) record(); });
    addEventListener('resize', () => {
      if (!anchor) return;
      restoring = true;
      window.scrollBy(0, anchor.getBoundingClientRect().top - offset);
      requestAnimationFrame(() => { restoring = false; });
    });
  }

  // A formula or table that scrolls sideways can be scrolled from the keyboard: it takes a Tab
  // stop while (and only while) it is wider than its box. Checked when the browser is idle, after
  // the math font, and after a resize.
  function focusableScrollers() {
    const blocks = '.prose :is(.display-math-body, .display-math:not(.numbered), table, p, ul, ol)';
    const mark = () => document.querySelectorAll(blocks).forEach((el) => {
      const scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute('tabindex')) {
        el.tabIndex = 0;
        el.dataset.scrollFocus = '';
      } else if (!scrolls && el.hasAttribute('data-scroll-focus')) {
        el.removeAttribute('tabindex');
        delete el.dataset.scrollFocus;
      }
    });
    afterFirstPaint(() => (window.requestIdleCallback ?? setTimeout)(mark));
    let timer = 0;
    addEventListener('resize', () => { clearTimeout(timer); timer = setTimeout(mark, 200); });
  }

  // ← / → go to the previous / next chapter (as in mdBook), unless the key is for something
  // else: a field, a widget (it rotates, steps, selects with arrows) or a modified key.
  function chapterKeys() {
    document.addEventListener('keydown', (ev) => {
      if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight') return;
      const t = ev.target;
      if (t instanceof Element && t.closest('input, textarea, select, [contenteditable], .widget-slot, .widget, [role=slider], [role=tablist], canvas')) return;
      const link = document.querySelector(`.chapter-nav a[rel=${ev.key === 'ArrowLeft' ? 'prev' : 'next'}]`);
      if (link) location.href = link.href;
    });
  }

  // The contents mark the section in view: the last h2 whose top has passed a third of the
  // screen. A class, not aria-current: only the chapter itself is the "current page".
  function scrollspy(toc) {
    const links = toc ? [...toc.querySelectorAll('.toc-sections a')] : [];
    const heads = links.map((a) => document.getElementById(new URL(a.href).hash.slice(1)));
    if (!links.length || heads.some((h) => !h)) return;
    let shown = -1;
    const update = () => {
      const line = innerHeight / 3;
      let at = 0;
      heads.forEach((h, i) => { if (h.getBoundingClientRect().top <= line) at = i; });
      if (at === shown) return;
      links[shown]?.classList.remove('in-view');
      links[at].classList.add('in-view');
      shown = at;
    };
    onScrollFrame(update);
    afterFirstPaint(update);
  }
})();
