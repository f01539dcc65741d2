/* LuZhi: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Selects marked data-autosubmit submit their form on change (the language switch).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  // Links marked data-back go back one page (without script they go to their href).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // Scroll a source panel so that its marked clause is in view (not the whole page).
  function scrollPanels(root) {
    (root || document).querySelectorAll("[data-scroll-to]").forEach(function (panel) {
      var mark = panel.querySelector("#" + panel.getAttribute("data-scroll-to"));
      if (!mark) return;
      var top = mark.getBoundingClientRect().top - panel.getBoundingClientRect().top;
      panel.scrollTop += top - 24;
      panel.setAttribute("data-scrolled", "true");
    });
  }

  document.addEventListener("DOMContentLoaded", function () { scrollPanels(document); });
  document.addEventListener("htmx:afterSwap", function (event) { scrollPanels(event.target); });
})();
