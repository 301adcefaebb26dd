/* An assessee's indicator trends: the weighted total and the group subtotals across their assessments
   of the same kind (lines, oldest first), from the JSON of <div data-trend-chart="id-of-json-script">.
   No inline script (CSP); the tooltip escapes every name and title (Banzi.axisTooltip), so that an
   assessment or cadre named "<img src=x onerror=...>" shows as written. */
(function () {
  "use strict";

  var COLOURS = ["#1d273b", "#d63939", "#066fd1", "#2fb344", "#f59f00"];

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-trend-chart"));
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: { left: 8, right: 24, top: 48, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", formatter: window.Banzi.axisTooltip },
      xAxis: { type: "category", data: data.labels,
               axisLabel: { interval: 0, rotate: data.labels.length > 3 ? 20 : 0 } },
      yAxis: { type: "value", min: 0, max: 100 },
      series: data.series.map(function (s, i) {
        return { name: s.name, type: "line", data: s.values, connectNulls: true, symbolSize: 8,
                 lineStyle: { width: s.key === "total" ? 3 : 1.5, type: s.key === "total" ? "solid" : "dashed" },
                 itemStyle: { color: COLOURS[i % COLOURS.length] }, emphasis: { focus: "series" } };
      }),
      aria: { enabled: true }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-trend-chart]").forEach(draw);
  });
})();
