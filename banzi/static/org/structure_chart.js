/* The team structure page's charts: one horizontal stacked bar per team (age bands, highest education,
   newcomers) from the JSON of <div data-structure-chart="id-of-json-script">. No inline script (CSP); every
   name in the tooltip is escaped (Banzi.axisTooltip), so that a township named "<img src=x onerror=...>"
   shows as written. The chart grows with the number of teams, so each keeps a readable bar on a phone. */
(function () {
  "use strict";

  var COLOURS = ["#066fd1", "#2fb344", "#f59f00", "#d63939", "#ae3ec9", "#17a2b8", "#adb5bd"];

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-structure-chart"));
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    el.style.height = Math.max(240, 90 + 32 * data.labels.length) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: { left: 8, right: 16, top: 8, bottom: 48, containLabel: true },
      legend: { bottom: 0, type: "scroll" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: window.Banzi.axisTooltip,
                 confine: true },
      yAxis: { type: "category", data: data.labels, inverse: true,
               axisLabel: { width: 96, overflow: "truncate" } },
      xAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s, i) {
        return { name: s.name, type: "bar", stack: "members", data: s.values, barMaxWidth: 24,
                 itemStyle: { color: COLOURS[i % COLOURS.length] }, emphasis: { focus: "series" } };
      }),
      aria: { enabled: true }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-structure-chart]").forEach(draw);
  });
})();
