/* The battle map: fetches the scope's data (tasks:battle_map_data) and draws the implementation
   rate against the 100% target. The county is a wall of township tiles (traffic-light counts and
   rate; a tile opens its township) with the earliest overdue entries folded below it. A township
   is a wall of its team members' tiles (a tile opens the person), a timeline of the open work that
   most needs attention (overdue, at risk, then by deadline; at most TIMELINE_ROWS rows, so the page
   fits a screen and an A3 sheet) and, folded below, the table of all of its work. A person has the
   timeline and the table of all of their work.
   Each state has one colour (the --bm-* variables of battle_map.css); rates and progress are
   figures and grey bars, never a state's colour. */
(function () {
  "use strict";

  var root = document.getElementById("battle-map");
  if (!root) { return; }
  // Names and titles are users' text: every tooltip or label that returns HTML escapes them (banzi.js).
  var escapeHtml = window.Banzi.escapeHtml;
  var i18n = JSON.parse(document.getElementById("bm-i18n").textContent);
  var charts = [];
  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var fontFamily = getComputedStyle(document.body).fontFamily;

  var COUNTY_ITEMS = 10;  // overdue entries listed under the county wall; the lists hold them all
  var TIMELINE_ROWS = 15;  // open entries on a township's timeline; the table below holds them all
  var URGENCY = { overdue: 0, at_risk: 1, on_track: 2 };
  var css = getComputedStyle(root);

  function part(name) { return root.querySelector("[data-bm='" + name + "']"); }

  // A state's colour, from the stylesheet's variables (the one definition), for the charts.
  function colour(state) {
    return css.getPropertyValue("--bm-" + state.replace("_", "-")).trim();
  }

  function milestoneColour(m) {
    // A milestone met late is still met: the done colour; "late" is said in words.
    return m.state === "overdue" ? colour("overdue") : m.state === "done" || m.state === "done_late" ? colour("done")
      : colour("pending");
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key === "style") { node.style.cssText = attrs[key]; }
      else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function pct(value) { return value === null || value === undefined ? "—" : value + "%"; }

  function stateBadge(data, state) {
    return el("span", { "class": "bm-state bm-state-" + state, "data-state": state,
                        text: data.states[state] ? data.states[state].label : state });
  }

  function progressBar(value) {
    var bar = el("div", { "class": "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
                          "aria-valuenow": String(value || 0), "aria-label": i18n.progress });
    bar.appendChild(el("div", { "class": "progress-bar bm-measure", style: "width:" + (value || 0) + "%" }));
    return el("div", { "class": "bm-progress" }, [bar, el("small", { "class": "text-secondary", text: pct(value) })]);
  }

  function renderSummary(data) {
    var rate = data.rate;
    part("rate").textContent = pct(rate.percent);
    part("rate-detail").textContent = i18n.rate_detail.replace("{on_time}", rate.on_time).replace("{due}", rate.due);
    part("rate-bar").style.width = (rate.percent || 0) + "%";
    part("rate-bar-label").setAttribute("aria-label", i18n.rate_bar.replace("{rate}", pct(rate.percent)));
    part("total").textContent = data.total;
    part("progress").textContent = pct(data.progress);
    var counts = part("counts");
    counts.textContent = "";
    Object.keys(data.states).forEach(function (state) {
      if (state === "cancelled") { return; }
      counts.appendChild(el("div", { "data-count": state }, [stateBadge(data, state),
        el("strong", { "class": "ms-2 fs-3", text: String(data.counts[state] || 0) })]));
    });
    var warnings = part("warnings");
    warnings.textContent = "";
    data.warnings.forEach(function (text) {
      warnings.appendChild(el("div", { "class": "alert alert-warning", role: "status", text: text }));
    });
  }

  function stateKeys(data) {
    return Object.keys(data.states).filter(function (state) { return state !== "cancelled"; });
  }

  // A tile per township (the county) or team member (a township) with its rate and traffic-light
  // counts, linking to the township or the person.
  function renderTiles(data) {
    var list = part("tiles");
    list.textContent = "";
    data.groups.forEach(function (group) {
      var name = group.url
        ? el("a", { "class": "bm-tile-name stretched-link", href: group.url, text: group.name,
                    "aria-label": i18n.open_township.replace("{name}", group.name) })
        : el("span", { "class": "bm-tile-name", text: group.name });
      name.setAttribute("title", group.name);
      var rate = group.rate;
      var lights = el("ul", { "class": "bm-lights" });
      stateKeys(data).forEach(function (state) {
        var count = group.counts[state] || 0;
        var light = el("li", { "data-count": state }, [
          el("span", { "class": "bm-light bm-bg-" + state, "aria-hidden": "true" }),
          el("span", { text: data.states[state].label }),
          el("strong", { text: String(count) })
        ]);
        if (!count) { light.setAttribute("data-zero", ""); }
        lights.appendChild(light);
      });
      var bar = el("div", { "class": "progress", "aria-hidden": "true" },
                   [el("div", { "class": "progress-bar bm-measure", style: "width:" + (rate.percent || 0) + "%" })]);
      var members = data.scope.level === "township";
      var tile = el("li", { "class": "bm-tile", "data-group": String(group.id) }, [
        name,
        members && group.post ? el("div", { "class": "bm-tile-post small text-secondary", text: group.post }) : null,
        el("div", { "class": "bm-tile-rate" }, [
          el("span", { "class": "bm-tile-percent", "data-rate": "", text: pct(rate.percent),
                       title: i18n.implementation_rate }),
          el("small", { "class": "text-secondary",
                        text: rate.due ? i18n.rate_detail.replace("{on_time}", rate.on_time).replace("{due}", rate.due)
                          : i18n.no_due })
        ]),
        bar,
        lights,
        members ? el("div", { "class": "small text-secondary mt-1", "data-progress": "",
                              text: i18n.average_progress + " " + pct(group.progress) }) : null
      ]);
      if (group.counts.overdue) { tile.setAttribute("data-overdue", ""); }
      list.appendChild(tile);
    });
  }

  function day(value) { return value ? new Date(value + "T00:00:00").getTime() : null; }

  // The entries the timeline draws: a person's all; a township's open ones, most urgent first.
  function timelineItems(data) {
    if (data.scope.level !== "township") { return data.items; }
    var open = data.items.filter(function (item) { return item.state in URGENCY; });
    open.sort(function (a, b) {
      return URGENCY[a.state] - URGENCY[b.state] || (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0);
    });
    return open;
  }

  function renderTimeline(data) {
    var items = timelineItems(data);
    var title = part("timeline-title");
    if (data.scope.level === "township") {
      title.textContent = i18n.timeline_open;
      if (items.length > TIMELINE_ROWS) {
        title.appendChild(el("span", { "class": "small text-secondary ms-2",
          text: i18n.timeline_top.replace("{shown}", TIMELINE_ROWS).replace("{open}", items.length) }));
        items = items.slice(0, TIMELINE_ROWS);
      }
    } else if (data.items_limited) {
      title.appendChild(el("span", { "class": "small text-secondary ms-2",
        text: i18n.limited.replace("{shown}", items.length) }));
    }
    if (!items.length) {
      part("timeline-body").hidden = true;
      if (!data.items.length && data.scope.level === "person") {
        part("empty").hidden = false;  // under the timeline, in the same card
      } else {
        if (!data.items.length) { part("timeline-empty").textContent = i18n.nothing; }
        part("timeline-empty").hidden = false;
      }
      return;
    }
    if (!window.echarts) { part("timeline-body").hidden = true; return; }
    var labels = items.map(function (item) {
      return (data.scope.level === "person" ? "" : item.person + " · ") + item.title;
    });
    var chartEl = part("timeline");
    chartEl.style.height = Math.max(200, 30 * items.length + 70) + "px";
    var chart = window.echarts.init(chartEl, null, { renderer: "svg" });
    charts.push(chart);
    var bars = items.map(function (item, index) {
      return { value: [index, day(item.start), day(item.deadline), item.progress], itemStyle: { color: colour(item.state) } };
    });
    var marks = [];
    items.forEach(function (item, index) {
      item.milestones.forEach(function (m) {
        marks.push({ value: [day(m.due), index], name: m.title, itemStyle: { color: milestoneColour(m) } });
      });
    });
    chart.setOption({
      animation: !reduceMotion,
      textStyle: { fontFamily: fontFamily },
      grid: { left: 8, right: 24, top: 30, bottom: 24, containLabel: true },
      tooltip: {
        formatter: function (p) {
          if (p.seriesType === "scatter") {
            return escapeHtml(p.name) + "<br>" + escapeHtml(new Date(p.value[0]).toLocaleDateString());
          }
          var item = items[p.value[0]];
          return [item.title, item.person, item.start + " → " + item.deadline,
                  i18n.progress + " " + item.progress + "%", item.state_label].map(escapeHtml).join("<br>");
        }
      },
      xAxis: { type: "time", position: "top", splitLine: { show: true } },
      yAxis: { type: "category", data: labels, inverse: true, axisLabel: { width: 220, overflow: "truncate" } },
      series: [
        {
          type: "custom", name: i18n.plan, encode: { x: [1, 2], y: 0 }, data: bars,
          renderItem: function (params, api) {
            var start = api.coord([api.value(1), api.value(0)]);
            var end = api.coord([api.value(2), api.value(0)]);
            var height = api.size([0, 1])[1] * 0.5;
            var width = Math.max(end[0] - start[0], 2);
            var colour = api.visual("color");
            var y = start[1] - height / 2;
            return { type: "group", children: [
              { type: "rect", shape: { x: start[0], y: y, width: width, height: height },
                style: { fill: colour, opacity: 0.25, stroke: colour } },
              { type: "rect", shape: { x: start[0], y: y, width: width * api.value(3) / 100, height: height },
                style: { fill: colour } }
            ] };
          }
        },
        { type: "scatter", name: i18n.milestone, symbol: "diamond", symbolSize: 11, data: marks, z: 3 },
        { type: "line", data: [], markLine: { symbol: "none", silent: true,
          lineStyle: { color: colour("pending"), type: "dashed" }, label: { formatter: i18n.today },
          data: [{ xAxis: day(data.scope.today) }] } }
      ]
    });
  }

  function renderItems(data) {
    var body = part("items-table").querySelector("tbody");
    body.textContent = "";
    var items = data.items;
    if (data.scope.level === "county") {
      // The earliest overdue entries (they come by deadline); the task and item lists hold them all.
      items = items.slice(0, COUNTY_ITEMS);
      var title = part("items-title");
      title.textContent = i18n.overdue_only;
      if ((data.counts.overdue || 0) > items.length) {
        title.appendChild(el("span", { "class": "small text-secondary ms-2",
          text: i18n.overdue_top.replace("{shown}", items.length).replace("{total}", data.counts.overdue) }));
      }
      part("empty").hidden = items.length > 0;
    } else if (data.scope.level === "township") {
      part("items-title").appendChild(el("span", { "class": "small text-secondary ms-2", "data-bm": "items-count",
        text: i18n.count.replace("{count}", items.length) }));
      part("empty").hidden = items.length > 0;
    }
    items.forEach(function (item) {
      var title = item.url ? el("a", { href: item.url, text: item.title }) : el("span", { text: item.title });
      var kind = el("div", { "class": "small text-secondary", text: item.kind === "supervised" ? i18n.supervised : i18n.task });
      var milestones = el("ul", { "class": "bm-milestones" });
      item.milestones.forEach(function (m) {
        milestones.appendChild(el("li", { "data-state": m.state }, [
          el("span", { "class": "bm-dot", style: "background:" + milestoneColour(m) }),
          el("span", { text: m.title + " " + (m.due || "") + (m.state === "done_late" ? " · " + i18n.done_late : "") })
        ]));
      });
      var warn = item.warnings.length ? el("div", { "class": "small text-warning", text: item.warnings.join(" ") }) : null;
      body.appendChild(el("tr", { "data-state": item.state, "data-kind": item.kind }, [
        el("td", {}, [stateBadge(data, item.state)]),
        el("td", { "class": "bm-title" }, [title, kind, warn]),
        el("td", { text: item.person + (item.township ? " · " + item.township : "") }),
        el("td", { text: item.start }),
        el("td", { text: item.deadline }),
        el("td", {}, [progressBar(item.progress)]),
        el("td", {}, [milestones])
      ]));
    });
  }

  function resizeAll(width) { charts.forEach(function (c) { c.resize(width ? { width: width } : undefined); }); }
  // A3 landscape less 10 mm margins is about 400 mm: draw the charts that wide before printing.
  window.addEventListener("beforeprint", function () { resizeAll(1480); });
  window.addEventListener("afterprint", function () { resizeAll(); });
  window.addEventListener("resize", function () { resizeAll(); });

  fetch(root.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(function (data) {
      renderSummary(data);
      renderItems(data);
      if (part("tiles")) { renderTiles(data); }
      if (part("timeline")) { renderTimeline(data); }
      root.setAttribute("aria-busy", "false");
      root.setAttribute("data-loaded", "true");
    })
    .catch(function () {
      root.setAttribute("aria-busy", "false");
      root.insertBefore(el("div", { "class": "alert alert-danger", role: "alert", text: i18n.failed }), root.firstChild);
    });
})();
