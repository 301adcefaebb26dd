/* The assessment page's grade distribution per unit: stacked bars from the JSON of
   <div data-grade-chart="id-of-json-script">. No inline script (CSP); every name in the tooltip is
   escaped (Banzi.axisTooltip), so that a unit named "<img src=x onerror=...>" shows as written. */
(function () {
  "use strict";

  var COLOURS = ["#2fb344", "#066fd1", "#f59f00", "#d63939", "#adb5bd"];

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-grade-chart"));
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: window.Banzi.axisTooltip },
      xAxis: { type: "category", data: data.labels,
               axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 40 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s, i) {
        return { name: s.name, type: "bar", stack: "grades", data: s.values, barMaxWidth: 36,
                 itemStyle: { color: COLOURS[i % COLOURS.length] }, emphasis: { focus: "series" } };
      }),
      aria: { enabled: true }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-grade-chart]").forEach(draw);
  });
})();
