/* Banzi's few behaviours. No framework: Tabler's Bootstrap and htmx do the rest. */
(function () {
  "use strict";

  // After a failed save, put the cursor on the first field with an error.
  function focusFirstError() {
    var field = document.querySelector("form [aria-invalid='true']");
    if (field) { field.focus(); }
  }

  // <form data-confirm="Question?"> asks before it submits.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // <div data-chart="id-of-json-script"> draws a bar chart from {labels, values, series}.
  var fontFamily = getComputedStyle(document.body).fontFamily;
  function drawCharts() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
        textStyle: { fontFamily: fontFamily },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 40 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: data.series, type: "bar", data: data.values, itemStyle: { color: "#066fd1" },
                   label: { show: true, position: "top" }, barMaxWidth: 36 }],
        aria: { enabled: true }
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError();
    drawCharts();
  });
})();
