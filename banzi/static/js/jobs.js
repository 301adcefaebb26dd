/* A background job's progress on its page (banzi/templates/jobs/progress.html).

   <div data-job-status="/jobs/1/status/" data-job-reload> polls that JSON status every second, moves the
   progress bar and its count, and reloads the page once the job has finished, so that the server renders
   the outcome (the import's report, the download link or why it failed). No inline script (CSP): the
   element carries the URL; every value is written as text, never as HTML. */
(function () {
  "use strict";

  var INTERVAL = 1000;

  function watch(box) {
    var url = box.getAttribute("data-job-status");
    var bar = box.querySelector("[data-job-bar]");
    var fill = bar ? bar.querySelector(".progress-bar") : null;
    var count = box.querySelector("[data-job-count]");
    var label = box.querySelector("[data-job-label]");
    var failures = 0;

    function show(status) {
      if (label) { label.textContent = status.status_label; }
      if (count) { count.textContent = status.total ? status.done + " / " + status.total : ""; }
      if (bar) { bar.setAttribute("aria-valuenow", String(status.percent)); }
      if (fill) {
        fill.style.width = status.percent + "%";
        fill.classList.toggle("progress-bar-indeterminate", !status.total && !status.finished);
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (status) {
          failures = 0;
          show(status);
          if (status.finished) {
            if (box.hasAttribute("data-job-reload")) { window.location.reload(); }
            return;
          }
          window.setTimeout(poll, INTERVAL);
        })
        .catch(function () {
          // A phone losing its network for a moment: try again, more slowly.
          failures += 1;
          window.setTimeout(poll, Math.min(INTERVAL * (1 + failures), 10000));
        });
    }

    window.setTimeout(poll, INTERVAL / 2);
  }

  document.querySelectorAll("[data-job-status]").forEach(watch);
}());
