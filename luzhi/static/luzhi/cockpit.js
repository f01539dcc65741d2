/* LuZhi cockpit: draw the ECharts charts whose options the page carries as JSON.
 *
 * Each chart is an element with data-chart="ID", where ID names a
 * <script type="application/json"> written by Django's json_script. No user data
 * is ever placed in JavaScript source; the page works (tables, links) without it.
 */
(function () {
  "use strict";

  function initCharts(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.hasAttribute("data-chart-ready")) return;
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var option;
      try {
        option = JSON.parse(source.textContent);
      } catch (err) {
        return;
      }
      var lang = (document.documentElement.getAttribute("lang") || "").toLowerCase();
      var chart = window.echarts.init(el, null, {
        renderer: "canvas",
        locale: lang.indexOf("zh") === 0 ? "ZH" : "EN"
      });
      chart.setOption(option);
      el.setAttribute("data-chart-ready", "true");
    });
  }

  function disposeCharts(root) {
    if (!window.echarts || !root) return;
    root.querySelectorAll("[data-chart-ready]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) chart.dispose();
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    if (!window.echarts) return;
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      document.querySelectorAll("[data-chart-ready]").forEach(function (el) {
        var chart = window.echarts.getInstanceByDom(el);
        if (chart) chart.resize();
      });
    }, 150);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initCharts(document); });
  } else {
    initCharts(document);
  }
  document.addEventListener("htmx:beforeSwap", function (event) { disposeCharts(event.detail.target); });
  document.addEventListener("htmx:afterSwap", function (event) { initCharts(event.detail.target); });
})();
