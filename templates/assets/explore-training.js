// TwoLenses explorables: scrub through training (kind "training").
//
// A slider (and a play button) steps through snapshots the build saved while the model trained:
// EM steps of a mixture ("em": the observations coloured by their responsibilities and each
// component's 2σ ellipse, drawn over the figure without them) and GAN runs on a ring of Gaussians
// ("ring": each snapshot's samples and covered modes in empty panels), and a VAE's digits from
// fixed latent points ("vae": drawn in a canvas under the figure, with the ELBO then). The
// readout shows the text the build wrote for each snapshot; the script computes nothing.
// Data: explore/ID.js (see Studies.EMPayload, DeepStudies.RingScrubPayload, DeepStudies.VAEEpochsPayload).
(function () {
  "use strict";
  var decoded = {};
  function bytes(b64) {
    if (!decoded[b64]) {
      var s = atob(b64), out = new Uint8Array(s.length);
      for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
      decoded[b64] = out;
    }
    return decoded[b64];
  }
  var darkQuery = window.matchMedia ? window.matchMedia("screen and (prefers-color-scheme: dark)") : { matches: false };

  // A canvas laid over the image's content box, in the figure's 1× pixel coordinates.
  function overlay(figure, api, size, paint) {
    var picture = figure.querySelector(":scope > picture"), img = picture && picture.querySelector("img");
    var canvas = api.el("canvas", { "aria-hidden": "true" });
    canvas.style.cssText = "position:absolute;pointer-events:none;left:0;top:0";
    picture.appendChild(canvas);
    function fit() {
      var w = img.clientWidth, h = img.clientHeight, ratio = window.devicePixelRatio || 1;
      canvas.style.left = (img.offsetLeft + img.clientLeft) + "px";
      canvas.style.top = (img.offsetTop + img.clientTop) + "px";
      canvas.style.width = w + "px"; canvas.style.height = h + "px";
      canvas.width = Math.max(1, Math.round(w * ratio)); canvas.height = Math.max(1, Math.round(h * ratio));
      var ctx = canvas.getContext("2d");
      ctx.setTransform(canvas.width / size[0], 0, 0, canvas.height / size[1], 0, 0);
      ctx.clearRect(0, 0, size[0], size[1]);
      paint(ctx);
    }
    window.addEventListener("resize", fit);
    img.addEventListener("load", fit);
    if (darkQuery.addEventListener) darkQuery.addEventListener("change", fit);
    return fit;
  }

  var drawers = {
    // EM: each component's 2σ ellipse with a halo, as the still figure draws them.
    em: function (figure, data, api) {
      api.showFrame(figure, data.background);
      var current = 0;
      var fit = overlay(figure, api, data.size, function (ctx) {
        var scheme = darkQuery.matches ? "dark" : "light";
        var p = data.plot;
        ctx.save();
        ctx.beginPath(); ctx.rect(p[0], p[1], p[2], p[3]); ctx.clip();
        // The observations, each in its components' colours mixed by its responsibilities.
        var rgb = bytes(data.frames[current].dots[scheme]), pts = data.points;
        ctx.lineWidth = 0.8;
        for (var i = 0; 2 * i < pts.length; i++) {
          ctx.beginPath();
          ctx.arc(pts[2 * i], pts[2 * i + 1], 3.4, 0, 2 * Math.PI);
          ctx.fillStyle = "rgb(" + rgb[3 * i] + "," + rgb[3 * i + 1] + "," + rgb[3 * i + 2] + ")";
          ctx.fill();
          ctx.strokeStyle = "rgba(0,0,0,0.45)"; ctx.stroke();
        }
        data.frames[current].ellipses.forEach(function (e, k) {
          ctx.beginPath();
          ctx.ellipse(e[0], e[1], e[2], e[3], e[4], 0, 2 * Math.PI);
          ctx.globalAlpha = 0.85; ctx.strokeStyle = data.halo[scheme]; ctx.lineWidth = data.line + 2.4; ctx.stroke();
          ctx.globalAlpha = 1; ctx.strokeStyle = data.colors[scheme][k % data.colors[scheme].length];
          ctx.lineWidth = data.line; ctx.stroke();
          ctx.beginPath(); ctx.arc(e[0], e[1], 3.5, 0, 2 * Math.PI); ctx.fillStyle = ctx.strokeStyle; ctx.fill();
        });
        ctx.restore();
      });
      return function (i) { current = i; fit(); };
    }
  };

  // Ring of Gaussians: per panel (one GAN run each) the data, the 3σ circle of every mode (green when
  // covered at this snapshot) and the snapshot's samples, as the still figure draws them.
  drawers.ring = function (figure, data, api) {
    api.showFrame(figure, data.background);
    var current = 0, lo = data.range[0], hi = data.range[1];
    var fit = overlay(figure, api, data.size, function (ctx) {
      var colors = data.colors[darkQuery.matches ? "dark" : "light"], frame = data.frames[current];
      data.panels.forEach(function (p, j) {
        var x = p[0], y = p[1], side = p[2];
        function dots(b64, radius) {
          var q = bytes(b64);
          ctx.beginPath();
          for (var i = 0; i + 1 < q.length; i += 2) {
            if (q[i] === 255) continue;
            var cx = x + q[i] / 254 * side, cy = y + side - q[i + 1] / 254 * side;
            ctx.moveTo(cx + radius, cy); ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
          }
          ctx.fill();
        }
        ctx.save();
        ctx.beginPath(); ctx.rect(x, y, side, side); ctx.clip();
        ctx.fillStyle = colors.faint; ctx.globalAlpha = 1; dots(data.data, 1.1);
        data.centres.forEach(function (c, i) {
          var on = frame.covered[j][i];
          ctx.beginPath();
          ctx.arc(x + (c[0] - lo) / (hi - lo) * side, y + side - (c[1] - lo) / (hi - lo) * side, Math.max(data.radius, 2.5), 0, 2 * Math.PI);
          ctx.strokeStyle = on ? colors.covered : colors.uncovered; ctx.lineWidth = on ? 1.6 : 1;
          ctx.setLineDash(on ? [] : [3, 3]); ctx.stroke(); ctx.setLineDash([]);
        });
        ctx.fillStyle = colors.point; ctx.globalAlpha = 0.55; dots(frame.samples[j], 1.3);
        ctx.restore();
      });
    });
    return function (i) { current = i; fit(); };
  };

  // VAE: the snapshot's digits, decoded from the same latent points, drawn in a canvas under the figure.
  drawers.vae = function (figure, data, api) {
    var d = data.digit, cols = data.columns, scale = 5, gap = 4, current = 0;
    var count = data.frames[0] ? bytes(data.frames[0].images).length / (d * d) : 0, rows = Math.ceil(count / cols);
    var canvas = api.el("canvas", { "class": "explore-digits", "role": "img", "aria-label": "decoded digits at this epoch" });
    var ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
    var w = cols * (d * scale + gap) - gap, h = rows * (d * scale + gap) - gap;
    canvas.width = w * ratio; canvas.height = h * ratio;
    canvas.style.width = w + "px"; canvas.style.height = h + "px"; canvas.style.maxWidth = "100%";
    api.panel(figure).appendChild(canvas);
    var ctx = canvas.getContext("2d");
    function paint() {
      var ink = getComputedStyle(figure).color || "#000", bg = getComputedStyle(document.body).backgroundColor || "#fff";
      var px = bytes(data.frames[current].images), cell = scale * ratio;
      ctx.globalAlpha = 1; ctx.fillStyle = bg; ctx.fillRect(0, 0, canvas.width, canvas.height);
      for (var k = 0; k < count; k++) {
        var ox = (k % cols) * (d * scale + gap) * ratio, oy = Math.floor(k / cols) * (d * scale + gap) * ratio;
        ctx.globalAlpha = 1; ctx.strokeStyle = "rgba(128,128,128,.5)"; ctx.lineWidth = 1;
        ctx.strokeRect(ox + 0.5, oy + 0.5, d * cell - 1, d * cell - 1);
        ctx.fillStyle = ink;
        for (var i = 0; i < d * d; i++) {
          var v = px[k * d * d + i];
          if (!v) continue;
          ctx.globalAlpha = v / 255;
          ctx.fillRect(ox + (i % d) * cell, oy + Math.floor(i / d) * cell, cell, cell);
        }
      }
      ctx.globalAlpha = 1;
    }
    if (darkQuery.addEventListener) darkQuery.addEventListener("change", paint);
    return function (i) { current = i; paint(); };
  };

  LensesExplore.register("training", function (figure, data, api) {
    var id = figure.getAttribute("data-explore-id");
    var frames = data.frames, count = frames.length;
    var drawer = drawers[data.type];
    if (!drawer || !count) return;
    var draw = drawer(figure, data, api);

    var panel = api.panel(figure);
    var index = 0, slider;
    function show(i, save) {
      index = Math.max(0, Math.min(count - 1, i));
      slider.value = String(index);
      slider.setAttribute("aria-valuetext", frames[index].readout.step || String(index));
      Object.keys(frames[index].readout).forEach(function (k) {
        var node = readout.querySelector("[data-key='" + k + "']");
        if (node) node.textContent = frames[index].readout[k];
      });
      draw(index);
      if (save) api.setState(id, String(index));
    }
    var player = api.player(panel, function () {
      if (index >= count - 1) { show(0, true); return true; }
      show(index + 1, true);
      return index < count - 1;
    }, 700);
    slider = api.slider(panel, data.label || "Step", count, 0, function (i) { player.stop(); show(i, true); });
    var readout = api.readout(panel, "Training snapshot");
    var keys = Object.keys(frames[0].readout);
    keys.sort(function (a, b) { return (a === "step" ? -1 : 0) - (b === "step" ? -1 : 0); });
    keys.forEach(function (k) { readout.appendChild(api.el("div", { "data-key": k })); });

    var saved = parseInt(api.state(id), 10);
    show(isNaN(saved) ? 0 : saved, false);
  });
})();
