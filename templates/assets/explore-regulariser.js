// TwoLenses regulariser slider: steps through one model refitted at each value of a setting
// (the frames and every number were made by the build); the slider only picks a frame.
(function () {
  "use strict";
  LensesExplore.register("regulariser", function (figure, data, api) {
    var id = figure.getAttribute("data-explore-id"), count = data.values.length;
    var panel = api.panel(figure);
    var st = api.state(id), start = data.start;
    if (st !== undefined && /^\d+$/.test(st) && +st < count) start = +st;
    var input = api.slider(panel, data.setting, count, start, function (i) { show(i, true); });
    input.setAttribute("aria-valuetext", data.setting + " = " + data.values[start]);
    var out = api.readout(panel, data.model + " at this " + data.setting);
    var fields = {};
    function field(key, label) {
      var span = api.el("span", { "class": "explore-field" });
      span.appendChild(document.createTextNode(label + " "));
      fields[key] = api.el("strong", { "data-key": key });
      span.appendChild(fields[key]);
      out.appendChild(span);
      out.appendChild(document.createTextNode(" · "));
    }
    field("value", data.model + ":");
    field("accuracy", "test accuracy");
    field("log_loss", "test log loss");
    field("sure", "at least " + data.sure_level + " sure on");
    out.removeChild(out.lastChild);
    out.appendChild(document.createTextNode(" of the map"));

    function show(i, share) {
      fields.value.textContent = data.setting + " = " + data.values[i];
      fields.accuracy.textContent = data.accuracy[i];
      fields.log_loss.textContent = data.log_loss[i];
      fields.sure.textContent = data.sure[i];
      input.setAttribute("aria-valuetext", data.setting + " = " + data.values[i]);
      api.showFrame(figure, data.frames[i]);
      if (share) api.setState(id, i === data.start ? null : i);
    }
    show(start, false);
  });
})();
