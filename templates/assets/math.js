// Typesets the page's TeX (elements with class "math") with the site's own KaTeX.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof katex === "undefined") return;  // KaTeX not bundled: the TeX source stays readable
  document.querySelectorAll(".math").forEach(function (el) {
    var tex = el.textContent;
    try {
      katex.render(tex, el, {displayMode: el.classList.contains("display"), throwOnError: false, output: "htmlAndMathml"});
      el.setAttribute("data-tex", tex);
    } catch (e) { /* leave the TeX as text */ }
  });
});
