// Full-text search over the whole book. shell.js imports this module the first time the reader
// opens search (the `/` or `s` key, or the header's button), so a page that never searches never
// loads it or its index. The index (search-index.json, crates/site/src/search.rs) has one entry
// per section, exercise and widget; the service worker precaches it, so search works offline.
//
// Results: every word of the query must appear (accents and case ignored); hits in a heading rank
// above hits in the text. ↑/↓ walk the results, Enter opens one, Esc closes. The chosen section is
// highlighted on arrival (`highlightHit`, which shell.js calls when sessionStorage holds
// `multiace-search-hit`).

const MAX_RESULTS = 20;
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

let index = null;
async function loadIndex() {
  if (!index) {
    const response = await fetch(new URL('search-index.json', document.baseURI));
    if (!response.ok) throw new Error(`the search index did not load (HTTP ${response.status})`);
    index = (await response.json()).map((e) => ({ ...e, fh: fold(e.h), ft: fold(e.t) }));
  }
  return index;
}

/// The entries that hold every word, best first.
function find(entries, query) {
  const words = fold(query).split(/\s+/).filter((w) => w.length > 0);
  if (!words.length) return [];
  const scored = [];
  for (const e of entries) {
    let score = 0;
    for (const w of words) {
      const inHead = e.fh.includes(w);
      const inText = e.ft.includes(w);
      if (!inHead && !inText) { score = -1; break; }
      score += (inHead ? 5 : 0) + (inText ? 1 : 0);
    }
    if (score > 0) scored.push([score, e]);
  }
  scored.sort((a, b) => b[0] - a[0]);
  return scored.slice(0, MAX_RESULTS).map(([, e]) => ({ entry: e, words }));
}

/// About 160 characters of the text around the first hit, with every hit marked.
function snippet(entry, words) {
  const at = Math.max(0, Math.min(...words.map((w) => entry.ft.indexOf(w)).filter((i) => i >= 0)));
  const start = Math.max(0, at - 60);
  // Folding keeps lengths for the Latin text of the book, so positions carry over.
  const text = entry.t.slice(start, start + 160);
  const folded = entry.ft.slice(start, start + 160);
  const marks = [];
  for (const w of words) {
    for (let i = folded.indexOf(w); i >= 0; i = folded.indexOf(w, i + w.length)) marks.push([i, i + w.length]);
  }
  marks.sort((a, b) => a[0] - b[0]);
  let html = '';
  let pos = 0;
  for (const [a, b] of marks) {
    if (a < pos) continue;
    html += `${escapeHtml(text.slice(pos, a))}<mark>${escapeHtml(text.slice(a, b))}</mark>`;
    pos = b;
  }
  html += escapeHtml(text.slice(pos));
  return `${start > 0 ? '…' : ''}${html}${start + 160 < entry.t.length ? '…' : ''}`;
}

function href(entry) {
  const page = new URL(`chapter/${entry.s}`, document.baseURI);
  if (entry.i) page.hash = entry.i;
  return page.href;
}

const KIND = { text: '', exercise: 'Exercise', widget: 'Widget' };

function buildDialog() {
  const dialog = document.createElement('dialog');
  dialog.className = 'search-dialog';
  dialog.setAttribute('aria-label', 'Search the book');
  dialog.innerHTML = `
    <form method="dialog" class="search-form" role="search">
      <label for="search-input" class="visually-hidden">Search the book</label>
      <input id="search-input" type="search" autocomplete="off" spellcheck="false"
        placeholder="Search the book (e.g. Clebsch, body order)" aria-controls="search-results"
        aria-autocomplete="list" role="combobox" aria-expanded="false">
      <button type="button" class="search-close" aria-label="Close search">Esc</button>
    </form>
    <p class="search-status" role="status" aria-live="polite"></p>
    <ul id="search-results" class="search-results" role="listbox" aria-label="Results"></ul>`;
  document.body.append(dialog);
  return dialog;
}

let dialog = null;

/// Opens the search dialog (made on first use).
export async function open() {
  dialog ??= setUp(buildDialog());
  if (!dialog.open) dialog.showModal();
  dialog.querySelector('input').select();
}

function setUp(d) {
  const input = d.querySelector('input');
  const list = d.querySelector('.search-results');
  const status = d.querySelector('.search-status');
  let results = [];
  let active = -1;

  const select = (i) => {
    const items = list.querySelectorAll('[role=option]');
    items[active]?.setAttribute('aria-selected', 'false');
    active = i;
    if (items[i]) {
      items[i].setAttribute('aria-selected', 'true');
      items[i].scrollIntoView({ block: 'nearest' });
      input.setAttribute('aria-activedescendant', items[i].id);
    } else input.removeAttribute('aria-activedescendant');
  };
  const go = (i) => {
    const r = results[i];
    if (!r) return;
    try { sessionStorage.setItem('multiace-search-hit', JSON.stringify({ id: r.entry.i, words: r.words })); } catch { /* no highlight */ }
    d.close();
    const target = href(r.entry);
    location.href = target;
    // The same page: the browser only scrolls, so highlight here.
    if (new URL(target).pathname === location.pathname) window.dispatchEvent(new Event('multiace-search-hit'));
  };
  const render = async () => {
    let entries;
    try {
      entries = await loadIndex();
    } catch (err) {
      status.textContent = `Search is unavailable: ${err.message}.`;
      return;
    }
    const query = input.value.trim();
    results = find(entries, query);
    list.replaceChildren(...results.map((r, i) => {
      const li = document.createElement('li');
      li.id = `search-result-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      const kind = KIND[r.entry.k] ? `<span class="search-kind">${KIND[r.entry.k]}</span> ` : '';
      li.innerHTML = `<a href="${escapeHtml(href(r.entry))}" tabindex="-1"><span class="search-where">${escapeHtml(r.entry.c)} › ${kind}${escapeHtml(r.entry.h)}</span><span class="search-snippet">${snippet(r.entry, r.words)}</span></a>`;
      li.querySelector('a').addEventListener('click', (ev) => { ev.preventDefault(); go(i); });
      return li;
    }));
    input.setAttribute('aria-expanded', String(results.length > 0));
    status.textContent = !query ? 'Type to search every chapter, exercise and widget.'
      : results.length ? `${results.length}${results.length === MAX_RESULTS ? '+' : ''} results`
        : `Nothing found for “${query}”.`;
    select(results.length ? 0 : -1);
  };
  input.addEventListener('input', render);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown') { ev.preventDefault(); select(Math.min(active + 1, results.length - 1)); }
    else if (ev.key === 'ArrowUp') { ev.preventDefault(); select(Math.max(active - 1, 0)); }
    else if (ev.key === 'Enter') { ev.preventDefault(); go(active); }
    // A search field's own Escape only clears it: close at once instead.
    else if (ev.key === 'Escape') { ev.preventDefault(); d.close(); }
  });
  d.querySelector('.search-close').addEventListener('click', () => d.close());
  // A click on the backdrop (outside the dialog's box) closes it.
  d.addEventListener('click', (ev) => { if (ev.target === d) d.close(); });
  render();
  return d;
}

/// Arriving from a result: marks its words in the section it names (CSS highlights, so the
/// page's markup is left alone), once.
export function highlightHit() {
  let hit = null;
  try {
    hit = JSON.parse(sessionStorage.getItem('multiace-search-hit') ?? 'null');
    sessionStorage.removeItem('multiace-search-hit');
  } catch { return; }
  if (!hit || !Array.isArray(hit.words) || !('highlights' in CSS)) return;
  const start = hit.id ? document.getElementById(hit.id) : document.querySelector('article.chapter');
  if (!start) return;
  const words = hit.words.filter((w) => typeof w === 'string' && w.length > 1);
  const ranges = [];
  const mark = (node) => {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const text = fold(t.data);
      if (text.length !== t.data.length) continue;
      for (const w of words) {
        for (let i = text.indexOf(w); i >= 0; i = text.indexOf(w, i + w.length)) {
          const r = new Range();
          r.setStart(t, i);
          r.setEnd(t, i + w.length);
          ranges.push(r);
        }
      }
    }
  };
  mark(start);
  if (/^H[23]$/.test(start.tagName)) {
    // and everything after the heading up to the next one
    let el = start.nextElementSibling ?? start.parentElement?.nextElementSibling;
    for (let n = 0; el && !/^H[23]$/.test(el.tagName) && !el.querySelector('h2, h3') && n < 200; n += 1) {
      mark(el);
      el = el.nextElementSibling ?? el.parentElement?.nextElementSibling;
    }
  }
  CSS.highlights.set('search-hit', new Highlight(...ranges));
}
