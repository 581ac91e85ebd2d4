// TwoLenses explorables: walk the latent plane (kind "latent").
//
// The still figure is the VAE's latent plane. Pointing at it (or focusing it and pressing the
// arrow keys) picks one of side × side cells; the digit the decoder drew at that cell's centre,
// computed by the build, is drawn on a canvas under the figure, with the cell's coordinates and
// the nearest test digit's class. Data: explore/ID.js (see DeepStudies.LatentWalkPayload).
(function () {
  "use strict";
  function decode(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  LensesExplore.register("latent", function (figure, data, api) {
    var id = figure.getAttribute("data-explore-id");
    var n = data.side, d = data.digit, W = data.size[0], H = data.size[1];
    var px = data.plot[0], py = data.plot[1], pw = data.plot[2], ph = data.plot[3];
    var images = decode(data.images);
    var picture = figure.querySelector(":scope > picture");
    var img = picture && picture.querySelector("img");
    if (!img) return;

    // The stage: the still figure with a cell marker over it; focusable for the arrow keys.
    var stage = api.el("div", { "class": "explore-stage", "tabindex": "0", "role": "group",
      "aria-label": "Latent plane: point at it, or use the arrow keys to move the latent point" });
    stage.style.position = "relative";
    stage.style.width = "fit-content";
    stage.style.maxWidth = "100%";
    stage.style.cursor = "crosshair";
    stage.style.touchAction = "none";
    figure.insertBefore(stage, picture);
    stage.appendChild(picture);
    var marker = api.el("div", { "class": "explore-marker", "aria-hidden": "true" });
    marker.style.cssText = "position:absolute;pointer-events:none;box-sizing:border-box;border:2px solid currentColor;" +
      "box-shadow:0 0 0 1px rgba(128,128,128,.6)";
    stage.appendChild(marker);
    // The image's content box (inside its border) in the stage's coordinates: figure pixels map onto it.
    function box() {
      var r = img.getBoundingClientRect(), s = stage.getBoundingClientRect();
      return { left: r.left + img.clientLeft, top: r.top + img.clientTop, x: r.left - s.left + img.clientLeft,
               y: r.top - s.top + img.clientTop, w: img.clientWidth, h: img.clientHeight };
    }
    function place() {
      if (col < 0) return;
      var b = box(), sx = b.w / W, sy = b.h / H;
      marker.style.left = (b.x + (px + col * pw / n) * sx) + "px";
      marker.style.top = (b.y + (py + row * ph / n) * sy) + "px";
      marker.style.width = (pw / n * sx) + "px";
      marker.style.height = (ph / n * sy) + "px";
    }
    window.addEventListener("resize", place);
    img.addEventListener("load", place);

    var panel = api.panel(figure);
    var scale = 16, canvas = api.el("canvas", { "class": "explore-digit", "role": "img", "aria-label": "decoded digit" });
    var ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
    canvas.width = d * scale * ratio; canvas.height = d * scale * ratio;
    canvas.style.width = (d * scale) + "px"; canvas.style.height = (d * scale) + "px";
    canvas.style.border = "1px solid var(--rule, #ccc)";
    panel.appendChild(canvas);
    var readout = api.readout(panel, "Latent point and decoded digit");
    readout.style.flex = "1 1 12rem";
    var zText = api.el("div", { "data-key": "z" }), nearText = api.el("div", { "data-key": "nearest" });
    readout.appendChild(zText); readout.appendChild(nearText);
    var ctx = canvas.getContext("2d");

    var col = -1, row = -1;
    function draw(k) {
      var style = getComputedStyle(figure);
      var ink = style.color || "#000";
      var bg = getComputedStyle(document.body).backgroundColor || "#fff";
      var cell = scale * ratio;
      ctx.globalAlpha = 1; ctx.fillStyle = bg; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = ink;
      for (var i = 0; i < d * d; i++) {
        var v = images[k * d * d + i];
        if (!v) continue;
        ctx.globalAlpha = v / 255;
        ctx.fillRect((i % d) * cell, Math.floor(i / d) * cell, cell, cell);
      }
      ctx.globalAlpha = 1;
    }
    function select(c, r, save) {
      c = Math.max(0, Math.min(n - 1, c)); r = Math.max(0, Math.min(n - 1, r));
      if (c === col && r === row) return;
      col = c; row = r;
      var k = r * n + c;
      place();
      draw(k);
      zText.textContent = "z\u2081 = " + data.z1[c] + ", z\u2082 = " + data.z2[r];
      nearText.textContent = "nearest test digit: " + data.nearest.charAt(k);
      canvas.setAttribute("aria-label", "decoded digit at z\u2081 = " + data.z1[c] + ", z\u2082 = " + data.z2[r]);
      if (save) api.setState(id, c + "." + r);
    }

    function fromPointer(e) {
      var b = box();
      if (!b.w || !b.h) return;
      var fx = (e.clientX - b.left) * W / b.w, fy = (e.clientY - b.top) * H / b.h;
      if (fx < px || fx > px + pw || fy < py || fy > py + ph) return;
      select(Math.floor((fx - px) / pw * n), Math.floor((fy - py) / ph * n), true);
    }
    stage.addEventListener("pointermove", fromPointer);
    stage.addEventListener("pointerdown", fromPointer);
    stage.addEventListener("keydown", function (e) {
      var step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
      if (e.key === "Home") step = [-col, 0];
      if (e.key === "End") step = [n - 1 - col, 0];
      if (!step) return;
      e.preventDefault();
      select(col + step[0], row + step[1], true);
    });
    // Redraw in the other colours when the reader's light/dark preference changes.
    if (window.matchMedia) {
      var dark = window.matchMedia("(prefers-color-scheme: dark)");
      var redraw = function () { if (col >= 0) draw(row * n + col); };
      if (dark.addEventListener) dark.addEventListener("change", redraw);
    }

    var saved = (api.state(id) || "").split(".");
    var c0 = parseInt(saved[0], 10), r0 = parseInt(saved[1], 10);
    if (isNaN(c0) || isNaN(r0)) { c0 = Math.floor(n / 2); r0 = Math.floor(n / 2); }
    select(c0, r0, false);
  });
})();
