// TwoLenses explorables: the shared part. Plain JavaScript, no framework, no network.
//
// A figure the build made interactive is
//   <figure class="figure explorable" data-explorable="KIND" data-explore-id="ID" data-src="explore/ID.js" ...>
// holding the still figure (what the page shows with scripts off). Its data is a script,
// explore/ID.js, that calls LensesExplore.data("ID", {...}): a script tag loads from a site opened
// as plain files too, where fetch() would be refused. Data loads when the widget nears the view,
// or on the first pointer or focus, whichever comes first.
//
// Each kind's file (assets/explore-KIND.js) calls LensesExplore.register("KIND", init) with
// init(figure, data, api). Every value a widget shows was computed at build time; the scripts only
// look values up.
(function () {
  "use strict";
  var kinds = {}, onDemand = {}, waiting = {}, loaded = {}, started = new WeakSet();

  // ---- the URL hash: "#x=…" by widget id, so a view can be shared --------------------------
  // Format: #ID=STATE&ID2=STATE2 (the page's own anchors, "#section", are left alone).
  function readHash() {
    var out = {}, h = location.hash.slice(1);
    if (h.indexOf("=") < 0) return out;
    h.split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i > 0) out[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1));
    });
    return out;
  }
  function writeHash(id, state) {
    var all = readHash();
    if (state === null || state === undefined || state === "") delete all[id]; else all[id] = String(state);
    var text = Object.keys(all).sort().map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(all[k]);
    }).join("&");
    // replaceState: moving a slider must not fill the history with one entry per step.
    history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  }

  var reducedMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var api = {
    el: el,
    state: function (id) { return readHash()[id]; },
    setState: writeHash,
    reducedMotion: function () { return reducedMotion.matches; },

    // The panel under the still figure where a widget puts its controls and readout.
    panel: function (figure) {
      var p = figure.querySelector(":scope > .explore-panel");
      if (!p) {
        p = el("div", { "class": "explore-panel" });
        var cap = figure.querySelector(":scope > figcaption");
        figure.insertBefore(p, cap);
      }
      return p;
    },

    // A readout that screen readers announce politely as it changes.
    readout: function (parent, label) {
      var r = el("div", { "class": "explore-readout", "role": "status", "aria-live": "polite", "aria-label": label });
      parent.appendChild(r);
      return r;
    },

    // Puts a table into a readout so that a narrow screen scrolls the table, not the page.
    scrollingTable: function (readout, table) {
      var scroll = el("div");
      scroll.style.cssText = "overflow-x:auto;max-width:100%";
      scroll.appendChild(table);
      readout.style.minWidth = "0";
      readout.appendChild(scroll);
      return scroll;
    },

    // A labelled range input over 0…count−1. onChange(i) runs on every step.
    slider: function (parent, label, count, value, onChange) {
      var wrap = el("label", { "class": "explore-slider" });
      wrap.appendChild(el("span", { "class": "explore-slider-label" }, label));
      var input = el("input", { type: "range", min: "0", max: String(count - 1), step: "1", value: String(value) });
      input.addEventListener("input", function () { onChange(parseInt(input.value, 10)); });
      wrap.appendChild(input);
      parent.appendChild(wrap);
      return input;
    },

    // A play/pause button stepping `step()` every `ms` milliseconds until it returns false.
    // With reduced motion asked for, play still steps, but one frame per press.
    player: function (parent, step, ms) {
      var button = el("button", { type: "button", "class": "explore-play", "aria-pressed": "false" }, "Play");
      var timer = null;
      function stop() {
        if (timer) clearInterval(timer);
        timer = null;
        button.textContent = "Play";
        button.setAttribute("aria-pressed", "false");
      }
      button.addEventListener("click", function () {
        if (timer) { stop(); return; }
        if (reducedMotion.matches) { step(); return; }
        button.textContent = "Pause";
        button.setAttribute("aria-pressed", "true");
        timer = setInterval(function () { if (!step()) stop(); }, ms || 400);
      });
      parent.appendChild(button);
      return { button: button, stop: stop };
    },

    // Swaps the still figure's image for a frame (light and dark, 1× and 2× when given).
    // frame: {src, src_2x, src_dark, src_dark_2x, alt}
    showFrame: function (figure, frame) {
      var img = figure.querySelector("picture img"), source = figure.querySelector("picture source");
      if (!img) return;
      img.src = frame.src;
      if (frame.src_2x) img.srcset = frame.src + " 1x, " + frame.src_2x + " 2x"; else img.removeAttribute("srcset");
      if (frame.alt) img.alt = frame.alt;
      if (source) {
        if (frame.src_dark) source.srcset = frame.src_dark + " 1x" + (frame.src_dark_2x ? ", " + frame.src_dark_2x + " 2x" : "");
        else source.remove();
      }
    },

    // Formats like the build's tables: fixed decimals, "n/a" for what is not a number.
    fixed: function (v, d) { return (typeof v === "number" && isFinite(v)) ? v.toFixed(d) : "n/a"; }
  };

  function load(figure) {
    if (started.has(figure)) return;
    started.add(figure);
    var id = figure.getAttribute("data-explore-id"), kind = figure.getAttribute("data-explorable");
    var init = kinds[kind];
    if (!init) return;
    function go(data) {
      try { init(figure, data, api); figure.classList.add("explore-ready"); }
      catch (e) { figure.classList.add("explore-failed"); if (window.console) console.error(e); }
    }
    if (loaded[id]) { go(loaded[id]); return; }
    (waiting[id] = waiting[id] || []).push(go);
    if (waiting[id].length === 1) {
      var s = document.createElement("script");
      s.src = figure.getAttribute("data-src");
      s.async = true;
      document.head.appendChild(s);
    }
  }

  window.LensesExplore = {
    api: api,
    // options.onDemand: the widget's data loads only when the reader points at it or focuses it
    // (a page of many probes stays light); options.focusLabel then makes its picture focusable
    // at once, so a keyboard reaches it before its data is there.
    register: function (kind, init, options) {
      kinds[kind] = init;
      onDemand[kind] = options || null;
      if (document.readyState !== "loading") scan(); // a kind script that came after the scan
    },
    data: function (id, payload) {
      loaded[id] = payload;
      (waiting[id] || []).forEach(function (go) { go(payload); });
      delete waiting[id];
    },
    // Starts one widget now (e.g. the other panel of a pair a probe moves with).
    start: function (figure) { load(figure); },
    // For the browser test: start every widget now.
    loadAll: function () { document.querySelectorAll("figure[data-explorable]").forEach(load); }
  };

  function scan() {
    var figures = document.querySelectorAll("figure[data-explorable]");
    var io = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) { io.unobserve(e.target); load(e.target); } });
    }, { rootMargin: "400px 0px" }) : null;
    figures.forEach(function (f) {
      // scan() runs again when a kind's script comes after the page: each figure is set up once.
      if (started.has(f) || f._exploreScanned || !kinds[f.getAttribute("data-explorable")]) return;
      f._exploreScanned = true;
      f.addEventListener("pointerenter", function () { load(f); }, { once: true });
      f.addEventListener("focusin", function () { load(f); }, { once: true });
      f.addEventListener("touchstart", function () { load(f); }, { once: true, passive: true });
      var lazy = onDemand[f.getAttribute("data-explorable")];
      if (lazy) {
        var picture = f.querySelector("picture");
        if (picture && lazy.focusLabel) { picture.setAttribute("tabindex", "0"); picture.setAttribute("aria-label", lazy.focusLabel); }
        if (lazy.hint) api.panel(f).appendChild(el("p", { "class": "explore-hint" }, lazy.hint));
      } else if (io) io.observe(f); else load(f);
      // A widget named in the hash starts at once, so a shared view opens as it was shared.
      if (readHash()[f.getAttribute("data-explore-id")] !== undefined) load(f);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan); else scan();
})();
