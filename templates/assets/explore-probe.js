// TwoLenses probe: point at a P(y|x) map (or move over it with the arrow keys) and read every
// listed model's P(y|x) there, and for a generative model the two factors of Bayes' rule,
// p(x|y)p(y). All values were computed by the build on an n × n grid of points (data.n); this
// script only finds the cell under the pointer and looks them up.
(function () {
  "use strict";
  var HINT = "Point at the map, or focus it and use the arrow keys: the readout shows what each model says at that point.";
  LensesExplore.register("probe", function (figure, data, api) {
    var n = data.n, K = data.classes.length, id = figure.getAttribute("data-explore-id");
    var picture = figure.querySelector("picture"), img = picture.querySelector("img");
    var cell = null; // [i, j], j = 0 at the bottom

    // The ring marking the point read, over the map.
    var mark = api.el("span", { "class": "explore-probe-mark", "aria-hidden": "true" });
    mark.style.cssText = "position:absolute;width:14px;height:14px;margin:-9px 0 0 -9px;border:2px solid #000;" +
      "border-radius:50%;box-shadow:0 0 0 2px #fff;pointer-events:none;display:none";
    picture.appendChild(mark);

    // Keyboard: the map itself takes focus.
    picture.setAttribute("tabindex", "0");
    picture.setAttribute("role", "group");
    picture.setAttribute("aria-label", "Probe of the map: the arrow keys move the point read (Shift: 5 steps, Home: the centre)");

    var panel = api.panel(figure);
    if (!panel.querySelector(".explore-hint")) panel.appendChild(api.el("p", { "class": "explore-hint" }, HINT));
    var out = api.readout(panel, "Probe readout");
    var head = api.el("p");
    head.appendChild(document.createTextNode("At " + data.features.join(", ") + " = "));
    var point = api.el("span", { "data-key": "point" }, "—");
    head.appendChild(point);
    out.appendChild(head);
    var table = api.el("table", { "class": "metrics" }), thead = api.el("thead"), tr = api.el("tr"), body = api.el("tbody");
    tr.appendChild(api.el("th", { scope: "col" }, "model"));
    data.classes.forEach(function (c) { tr.appendChild(api.el("th", { scope: "col" }, c)); });
    tr.appendChild(api.el("th", { scope: "col" }, "predicts"));
    thead.appendChild(tr);
    table.appendChild(thead);
    var cells = {};
    function row(label, prefix, m, withClass) {
      var r = api.el("tr");
      r.appendChild(api.el("th", { scope: "row" }, label));
      for (var k = 0; k < K; k++) {
        var key = prefix + "-" + m + "-" + k;
        cells[key] = api.el("td", { "data-key": key }, "—");
        r.appendChild(cells[key]);
      }
      var last = api.el("td", withClass ? { "data-key": "class-" + m } : {}, withClass ? "—" : "");
      if (withClass) cells["class-" + m] = last;
      r.appendChild(last);
      body.appendChild(r);
    }
    data.models.forEach(function (model, m) {
      // A map's own probe reads one model: its rows need not repeat the model's name.
      var name = data.models.length > 1 ? model.label + ": " : "";
      if (!model.joint) { row(name + "P(y | x)", "p", m, true); return; }
      // A generative model: Bayes' flip at this point, the same arithmetic as the Bayes' flip table.
      row(name + "p(x | y) p(y)", "joint", m, false);
      var r = api.el("tr");
      r.appendChild(api.el("th", { scope: "row" }, name + "p(x) = sum of the row above"));
      cells["evidence-" + m] = api.el("td", { "data-key": "evidence-" + m, colspan: String(K) }, "—");
      r.appendChild(cells["evidence-" + m]);
      r.appendChild(api.el("td"));
      body.appendChild(r);
      row(name + "P(y | x) = p(x | y) p(y) / p(x)", "p", m, true);
    });
    table.appendChild(body);
    var scroll = api.scrollingTable(out, table);
    // Until a point is read the readout stays folded: a page of maps is not a page of empty tables.
    head.hidden = true; scroll.hidden = true;

    function show(i, j, share, fromPair) {
      i = Math.max(0, Math.min(n - 1, i));
      j = Math.max(0, Math.min(n - 1, j));
      cell = [i, j];
      head.hidden = false; scroll.hidden = false;
      var c = j * n + i;
      point.textContent = data.xs[i] + ", " + data.ys[j];
      data.models.forEach(function (model, m) {
        var best = 0;
        for (var k = 0; k < K; k++) {
          var v = model.proba[c * K + k];
          if (v > model.proba[c * K + best]) best = k;
          cells["p-" + m + "-" + k].textContent = (v / 1000).toFixed(3);
          if (model.joint) cells["joint-" + m + "-" + k].textContent = model.joint[c * K + k];
        }
        if (model.evidence) cells["evidence-" + m].textContent = model.evidence[c];
        cells["class-" + m].textContent = data.classes[best];
      });
      place();
      if (share) api.setState(id, i + "-" + j);
      if (!fromPair) movePair(i, j);
    }

    // In a pair (two maps of one dataset, on one grid) the point moves in both panels.
    function movePair(i, j) {
      var pair = figure.closest(".pair");
      if (!pair) return;
      pair.querySelectorAll("figure[data-explorable=probe]").forEach(function (other) {
        if (other === figure) return;
        if (other._probeShow) other._probeShow(i, j);
        else { other._probePending = [i, j]; LensesExplore.start(other); }
      });
    }
    figure._probeShow = function (i, j) { show(i, j, false, true); };

    // The ring at the centre of the cell, in the image's displayed pixels.
    function place() {
      if (!cell) return;
      var r = img.getBoundingClientRect(), p = picture.getBoundingClientRect();
      var sx = r.width / data.size[0], sy = r.height / data.size[1];
      var x = data.plot[0] + (cell[0] + 0.5) / n * data.plot[2];
      var y = data.plot[1] + (1 - (cell[1] + 0.5) / n) * data.plot[3];
      mark.style.left = (r.left - p.left + x * sx) + "px";
      mark.style.top = (r.top - p.top + y * sy) + "px";
      mark.style.display = "block";
    }
    window.addEventListener("resize", place);

    function fromPointer(e) {
      var r = img.getBoundingClientRect();
      var x = (e.clientX - r.left) * data.size[0] / r.width, y = (e.clientY - r.top) * data.size[1] / r.height;
      var u = (x - data.plot[0]) / data.plot[2], v = 1 - (y - data.plot[1]) / data.plot[3];
      if (u < 0 || u >= 1 || v < 0 || v >= 1) return;
      var i = Math.floor(u * n), j = Math.floor(v * n);
      if (!cell || cell[0] !== i || cell[1] !== j) show(i, j, true);
    }
    picture.addEventListener("pointermove", fromPointer);
    picture.addEventListener("pointerdown", fromPointer);

    picture.addEventListener("keydown", function (e) {
      var step = e.shiftKey ? 5 : 1, c = cell || [Math.floor(n / 2), Math.floor(n / 2)];
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (e.key === "Home") { e.preventDefault(); show(Math.floor(n / 2), Math.floor(n / 2), true); return; }
      var d = moves[e.key];
      if (!d) return;
      e.preventDefault();
      show(cell ? c[0] + d[0] : c[0], cell ? c[1] + d[1] : c[1], true);
    });
    picture.addEventListener("focus", function () { if (!cell) show(Math.floor(n / 2), Math.floor(n / 2), false); });
    // Focus that came before the data (the focus loaded it) starts at the centre too.
    if (document.activeElement === picture && !cell) show(Math.floor(n / 2), Math.floor(n / 2), false);

    // A shared view: #ID=I-J; or the point the other panel of a pair moved to before this one loaded.
    var st = api.state(id), parts = st ? st.split("-") : [];
    if (parts.length === 2 && /^\d+$/.test(parts[0]) && /^\d+$/.test(parts[1])) show(+parts[0], +parts[1], false);
    else if (figure._probePending) show(figure._probePending[0], figure._probePending[1], false, true);
  }, {
    // Dozens of maps on a gallery page: each loads its values when pointed at or focused.
    onDemand: true,
    hint: HINT,
    focusLabel: "Probe of the map: the arrow keys move the point read (Shift: 5 steps, Home: the centre)"
  });
})();
