/* Live sum of the city inputs against the provincial target (the server checks it again). */
(function () {
  "use strict";
  var form = document.getElementById("allocation-form");
  if (!form) return;
  var target = Number(form.getAttribute("data-target"));
  var inputs = form.querySelectorAll("[data-allocation]");
  var totalEl = document.getElementById("sum-total");
  var diffEl = document.getElementById("sum-diff");
  var bar = document.getElementById("sum-bar");
  var labels = {
    ok: form.getAttribute("data-label-ok"),
    over: form.getAttribute("data-label-over"),
    under: form.getAttribute("data-label-under"),
    bad: form.getAttribute("data-label-bad")
  };
  function round(x) { return Math.round(x * 10000) / 10000; }
  function update() {
    var total = 0, bad = false;
    inputs.forEach(function (input) {
      var text = input.value.replace(/,/g, "").trim();
      if (!text) return;
      var n = Number(text);
      if (!isFinite(n)) { bad = true; return; }
      total += n;
    });
    total = round(total);
    totalEl.textContent = String(total);
    var diff = round(total - target);
    bar.classList.toggle("ok", !bad && diff === 0);
    bar.classList.toggle("off", bad || diff !== 0);
    if (bad) diffEl.textContent = labels.bad;
    else if (diff === 0) diffEl.textContent = labels.ok;
    else diffEl.textContent = (diff > 0 ? labels.over : labels.under) + " " + String(Math.abs(diff));
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
