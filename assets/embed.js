// Multi-ACE Learning: the host script for pages that frame the book's widgets (a reveal.js deck,
// a course page). Include it once, from the site that serves the widgets:
//
//   <script src="https://<site>/embed.js" defer></script>
//
// No dependencies, no configuration. It finds the <iframe>s of that site's /embed/<name> pages
// and speaks the embed's side of the protocol (src/embed_protocol.rs), messages
// {ns: "multiace", v: 1, type, …} checked by origin and by source frame:
// - `resize {height}`: the frame takes its widget's height (no inner scrollbar; a CSS max-height
//   on the frame still wins);
// - `state {query}`: the reader changed the widget; kept in the frame's data-multiace-state and
//   sent as a `multiace:state` event (detail: {query}) on the frame;
// - `blur` (Esc in the widget): the keyboard goes back to this page, so reveal.js hears the next key;
// - `key {key}`: a key the widget does not use (PageUp/PageDown, N/P, Space): Reveal.next()/prev()
//   when reveal.js is there, else a synthetic keydown on this document.
// And to drive a widget: MultiAce.set(frame, "l=3&m=-2") (kept until the widget is ready), or an
// element with data-multiace-set="l=3&m=-2" passed to MultiAce.apply(el) (for reveal.js fragments:
// see examples/slides/slides.js). Without this script the snippets still work at their initial
// height.
(function () {
  'use strict';
  if (window.MultiAce) return;
  var NS = 'multiace';
  var V = 1;
  var script = document.currentScript;
  // The widgets' site is the one that served this script.
  var siteOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var pending = new WeakMap();

  function srcOf(frame) {
    return frame.getAttribute('src') || frame.getAttribute('data-src') || '';
  }
  function urlOf(frame) {
    try { return new URL(srcOf(frame), location.href); } catch (e) { return null; }
  }
  function isWidget(frame) {
    var u = urlOf(frame);
    return !!u && u.origin === siteOrigin && /\/embed\/[^/]+\/?$/.test(u.pathname);
  }
  function frames() {
    return Array.prototype.filter.call(document.getElementsByTagName('iframe'), isWidget);
  }
  function frameOf(source) {
    var all = frames();
    for (var i = 0; i < all.length; i++) if (all[i].contentWindow === source) return all[i];
    return null;
  }
  function post(frame, msg) {
    if (!frame.contentWindow) return;
    msg.ns = NS;
    msg.v = V;
    frame.contentWindow.postMessage(msg, siteOrigin);
  }

  // The keyboard back to this page: blur the frame (focus leaves it), focus this window.
  function focusHost(frame) {
    var active = document.activeElement;
    if (active && active.tagName === 'IFRAME') active.blur();
    else if (frame) frame.blur();
    window.focus();
  }

  function forwardKey(key) {
    var reveal = window.Reveal;
    if (reveal && typeof reveal.next === 'function') {
      if (key === 'PageDown' || key === ' ' || key === 'n' || key === 'N') reveal.next();
      else if (key === 'PageUp' || key === 'p' || key === 'P') reveal.prev();
      return;
    }
    var codes = { PageDown: 34, PageUp: 33, ' ': 32, n: 78, N: 78, p: 80, P: 80 };
    var ev = new KeyboardEvent('keydown', { key: key, bubbles: true, cancelable: true });
    // Older listeners read keyCode, which the constructor does not set.
    try { Object.defineProperty(ev, 'keyCode', { get: function () { return codes[key] || 0; } }); } catch (e) { /* read-only */ }
    (document.activeElement || document.body || document).dispatchEvent(ev);
  }

  window.addEventListener('message', function (ev) {
    var d = ev.data;
    if (ev.origin !== siteOrigin || !d || typeof d !== 'object' || d.ns !== NS || d.v !== V) return;
    var frame = frameOf(ev.source);
    if (!frame) return;
    switch (d.type) {
      case 'ready': {
        frame.setAttribute('data-multiace-ready', '');
        var q = pending.get(frame);
        if (q !== undefined) {
          pending.delete(frame);
          post(frame, { type: 'set', query: q });
        }
        break;
      }
      case 'resize':
        if (typeof d.height === 'number' && isFinite(d.height) && d.height > 0 && d.height < 100000) {
          // The frame's content box takes the height (plus borders and padding if border-box).
          var cs = getComputedStyle(frame);
          var extra = cs.boxSizing === 'border-box'
            ? parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth)
              + parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom)
            : 0;
          frame.style.height = Math.ceil(d.height + (extra || 0)) + 'px';
        }
        break;
      case 'state':
        if (typeof d.query === 'string') {
          pending.delete(frame);
          frame.setAttribute('data-multiace-state', d.query);
          frame.dispatchEvent(new CustomEvent('multiace:state', { detail: { query: d.query } }));
        }
        break;
      case 'blur':
        focusHost(frame);
        break;
      case 'key':
        if (typeof d.key === 'string' && /^(PageUp|PageDown| |n|N|p|P)$/.test(d.key)) {
          focusHost(frame);
          forwardKey(d.key);
        }
        break;
      default:
        break;
    }
  });

  var api = {
    /** Sets the widget in `frame` (an <iframe> or a selector) to the state `query` ("l=3&m=-2"). */
    set: function (frame, query) {
      if (typeof frame === 'string') frame = document.querySelector(frame);
      if (!frame || !isWidget(frame)) return false;
      query = String(query).replace(/^\?/, '');
      // Sent now (a live widget applies it and answers with `state`) and kept until that answer,
      // for a widget that has not started yet: it gets it when it says `ready`.
      pending.set(frame, query);
      post(frame, { type: 'set', query: query });
      return true;
    },
    /** `el`'s data-multiace-set, sent to the frame named by its data-multiace-target (a selector),
     * or else to the widget frame in the same reveal.js slide (<section>) or parent element. */
    apply: function (el) {
      if (!el || !el.hasAttribute || !el.hasAttribute('data-multiace-set')) return false;
      var sel = el.getAttribute('data-multiace-target');
      var scope = el.closest('section') || el.parentElement || document;
      var frame = sel ? document.querySelector(sel) : scope.querySelector('iframe');
      return api.set(frame, el.getAttribute('data-multiace-set'));
    },
    frames: frames,
    focusHost: focusHost,
  };
  window.MultiAce = api;
})();
