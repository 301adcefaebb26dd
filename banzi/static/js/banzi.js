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

  // Busy. A button that starts something (a save, a search, an export) shows a spinner and cannot be
  // pressed again until the answer comes; after BUSY_DELAY a thin bar runs along the top of the page. A
  // new page ends it by replacing this one. A download leaves the page as it is: the server's answer then
  // sets a fresh banzi_download cookie (core/downloads.py), and its change ends the busy state.
  var BUSY_DELAY = 300, BUSY_LIMIT = 60000, busy = null;

  function downloadMark() {
    var found = document.cookie.match(/(?:^|;\s*)banzi_download=([^;]*)/);
    return found ? found[1] : "";
  }

  function endBusy() {
    if (!busy) { return; }
    busy.control.classList.remove("btn-loading");
    busy.control.removeAttribute("aria-busy");
    busy.timers.forEach(clearTimeout);
    clearInterval(busy.watch);
    document.documentElement.removeAttribute("data-busy");
    busy = null;
  }

  function startBusy(control) {
    if (busy) { return; }
    var mark = downloadMark();
    control.classList.add("btn-loading");
    control.setAttribute("aria-busy", "true");
    busy = {
      control: control,
      timers: [setTimeout(function () { document.documentElement.setAttribute("data-busy", ""); }, BUSY_DELAY),
               setTimeout(endBusy, BUSY_LIMIT)],
      watch: setInterval(function () { if (downloadMark() !== mark) { endBusy(); } }, 250)
    };
  }
  // Back to this page from the browser's cache: nothing is awaited any more.
  window.addEventListener("pageshow", endBusy);

  // <form data-confirm="Question?"> asks before it submits. A form being sent is not sent twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    if (busy) { event.preventDefault(); return; }
    var control = event.submitter || form.querySelector("[type=submit]");
    if (!control || form.hasAttribute("data-no-busy") || form.target === "_blank") { return; }
    // Busy at once (a second press in the same moment is refused); a form that a script then sends
    // itself (a later handler's preventDefault) is not busy after all.
    startBusy(control);
    setTimeout(function () { if (event.defaultPrevented) { endBusy(); } }, 0);
  });

  // A button-like link (.btn) that leads to a page or a file is busy in the same way.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.btn[href]") : null;
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var href = link.getAttribute("href");
    if (!href || href.charAt(0) === "#" || link.target === "_blank" || link.hasAttribute("data-bs-toggle") ||
        link.origin !== window.location.origin) { return; }
    // A place on this same page loads nothing: nothing to wait for.
    if (link.hash && link.pathname === window.location.pathname && link.search === window.location.search) { return; }
    if (busy) { event.preventDefault(); return; }
    startBusy(link);
    setTimeout(function () { if (event.defaultPrevented) { endBusy(); } }, 0);
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
