// TwoLenses training-size slider: two models side by side, retrained by the build on nested
// training sets of growing size; the slider picks the step and swaps both maps and the readout.
(function () {
  "use strict";
  LensesExplore.register("training_size", function (figure, data, api) {
    var id = figure.getAttribute("data-explore-id"), count = data.m.length;
    // The right-hand map is the other figure of the pair.
    var pair = figure.closest(".pair"), figures = [figure];
    if (pair) pair.querySelectorAll(":scope > figure").forEach(function (f) { if (f !== figure) figures.push(f); });
    var panel = api.panel(figure);
    var st = api.state(id), start = data.start;
    if (st !== undefined && /^\d+$/.test(st) && +st < count) start = +st;
    var input = api.slider(panel, "training rows", count, start, function (i) { show(i, true); });
    // Play steps through the sizes (one step per press with reduced motion).
    api.player(panel, function () {
      var next = (parseInt(input.value, 10) + 1) % count;
      input.value = String(next);
      show(next, true);
      return next !== count - 1;
    }, 900);
    var out = api.readout(panel, "Test scores at this training size");
    var head = api.el("p");
    head.appendChild(document.createTextNode("Trained on m = "));
    var m = api.el("strong", { "data-key": "m" });
    head.appendChild(m);
    head.appendChild(document.createTextNode(" rows"));
    out.appendChild(head);
    var table = api.el("table", { "class": "metrics" }), thead = api.el("thead"), tr = api.el("tr"), body = api.el("tbody"), cells = {};
    ["model", "test accuracy", "test log loss"].forEach(function (h) { tr.appendChild(api.el("th", { scope: "col" }, h)); });
    thead.appendChild(tr);
    table.appendChild(thead);
    data.models.forEach(function (label, k) {
      var r = api.el("tr");
      r.appendChild(api.el("th", { scope: "row" }, label));
      ["accuracy", "log_loss"].forEach(function (key) {
        cells[key + "-" + k] = api.el("td", { "data-key": key + "-" + k });
        r.appendChild(cells[key + "-" + k]);
      });
      body.appendChild(r);
    });
    table.appendChild(body);
    api.scrollingTable(out, table);

    function show(i, share) {
      m.textContent = data.m[i];
      data.models.forEach(function (label, k) {
        cells["accuracy-" + k].textContent = data.accuracy[i][k];
        cells["log_loss-" + k].textContent = data.log_loss[i][k];
        if (figures[k]) api.showFrame(figures[k], data.frames[i][k]);
      });
      input.setAttribute("aria-valuetext", data.m[i] + " training rows");
      if (share) api.setState(id, i === data.start ? null : i);
    }
    show(start, false);

  });
})();
