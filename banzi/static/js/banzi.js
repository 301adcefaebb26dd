/* Banzi's few behaviours. No framework: Tabler's Bootstrap and htmx do the rest.

   The Content-Security-Policy allows no inline script: pages hold no <script> body and no on*= attribute.
   Behaviour is declared with data- attributes handled here, and data is passed with json_script. */
(function () {
  "use strict";

  var HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };

  // Any value as text safe inside HTML. Every chart tooltip, label or formatter that returns HTML passes
  // user text (names, titles) through this, so that "<img src=x onerror=...>" shows as written.
  function escapeHtml(value) {
    if (value === null || value === undefined) { return ""; }
    return String(value).replace(/[&<>"']/g, function (c) { return HTML_ESCAPES[c]; });
  }
  window.Banzi = { escapeHtml: escapeHtml };

  // After a failed save, put the cursor on the first field with an error.
  function focusFirstError() {
    var field = document.querySelector("form [aria-invalid='true']");
    if (field) { field.focus(); }
  }

  // <button data-preset="text"> puts a common opinion into its form's text box (the approver's decision bar).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-preset]") : null;
    if (!button) { return; }
    var box = button.form && button.form.querySelector("textarea");
    if (box) { box.value = button.getAttribute("data-preset"); box.focus(); }
  });

  // <form data-confirm="Question?"> asks before it submits.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // <select data-autosubmit> submits its form when it changes.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) { field.form.submit(); }
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest) { return; }
    // <button data-print> prints the page.
    if (event.target.closest("[data-print]")) { window.print(); return; }
    // <button data-fill="#field-id" data-value="30"> puts its value into the field.
    var filler = event.target.closest("[data-fill]");
    if (filler) {
      var field = document.querySelector(filler.getAttribute("data-fill"));
      if (field) {
        field.value = filler.getAttribute("data-value");
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
  });

  // An axis tooltip (bar and line charts): the category, then each series' value ("—" where there is
  // none), all escaped.
  function axisTooltip(params) {
    var list = Array.isArray(params) ? params : [params];
    if (!list.length) { return ""; }
    return escapeHtml(list[0].axisValueLabel !== undefined ? list[0].axisValueLabel : list[0].name) + "<br>" +
      list.map(function (p) {
        var value = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
        if (value === null || value === undefined || value === "-") { value = "—"; }
        return p.marker + escapeHtml(p.seriesName) + ": " + escapeHtml(value);
      }).join("<br>");
  }
  window.Banzi.axisTooltip = axisTooltip;

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
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: axisTooltip },
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
