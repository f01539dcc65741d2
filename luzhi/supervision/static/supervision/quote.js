/* Obligation page (supervision:obligation_detail). */
(function () {
  "use strict";
  // 引用: append an accepted contribution's progress text to the consolidated report.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-quote-text]");
    var area = document.getElementById("id_achievements");
    if (!button || !area) return;
    var quote = "【" + button.getAttribute("data-quote-unit") + "】" + button.getAttribute("data-quote-text");
    var current = area.value.replace(/\s+$/, "");
    area.value = current ? current + "\n" + quote : quote;
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
  });
})();
