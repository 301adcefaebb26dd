/* Searchable pickers (vendored Tom Select), on load and after every htmx swap.

   Every <select class="form-select"> with more than 20 options, or `multiple`, becomes a picker that
   searches its labels and each option's data-py (full pinyin and initials, from core/forms.py), so "zs"
   and "zhangsan" both find 张三. A multiple choice shows each chosen item with a remove button (no
   Ctrl-click). A person picker with data-narrow-by="<unit field name>" shows only the chosen unit's
   people (data-unit / data-township); the server checks the same rule.

   A long picker (data-source="<url>", core/pickers.py) holds only its chosen options: it asks the server
   for a page of matches as the user types (and when it opens), narrowed there by the chosen unit.

   The texts come from the page (data- attributes of this script's tag, translated there). Every label is
   escaped in the render functions: a name such as "<img src=x onerror=...>" shows as written. */
(function () {
  "use strict";

  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var TEXT = {
    noResults: data.noResults || "",
    remove: data.remove || "",
    search: data.search || "",
    loading: data.loading || "",
    more: data.more || "",
    failed: data.failed || ""
  };
  var NOTE = "\u0000note";  // the value of the line that says more matches follow (never chosen)
  var THRESHOLD = 20;

  function escape(value) {
    return window.Banzi && window.Banzi.escapeHtml ? window.Banzi.escapeHtml(value) :
      String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
        return "&#" + c.charCodeAt(0) + ";";
      });
  }

  function wanted(select) {
    if (select.tomselect || select.hasAttribute("data-no-picker") || !window.TomSelect) { return false; }
    return select.multiple || select.options.length > THRESHOLD || select.hasAttribute("data-source");
  }

  // Is this option one of the chosen unit's people? The unit's own, or, for a township-level unit, anyone
  // of its township (its villages too); no unit chosen: everyone.
  function belongs(option, unit) {
    if (!unit || option.value === "") { return true; }
    return String(option.unit) === unit.value || (unit.township !== "" && String(option.township) === unit.township);
  }

  // The unit chosen in `field`: its value and township (from its option, or from what its own picker
  // loaded when the unit picker is a long one too).
  function chosenUnit(field) {
    var option = field.selectedOptions[0];
    if (!option || !option.value) { return null; }
    var loaded = field.tomselect && field.tomselect.options[option.value];
    var township = loaded && loaded.township !== undefined && loaded.township !== null ? String(loaded.township) :
      (option.dataset.township || "");
    return { value: option.value, township: township };
  }

  function narrowingField(select) {
    var form = select.form;
    var field = form && form.elements[select.getAttribute("data-narrow-by")];
    return field && field.tagName === "SELECT" ? field : null;
  }

  // Chosen people outside the newly chosen unit are taken off the picker.
  function dropOutsiders(ts, field) {
    var unit = chosenUnit(field);
    [].concat(ts.getValue() || []).forEach(function (value) {
      var option = ts.options[value];
      if (value !== "" && option && !belongs(option, unit)) { ts.removeItem(value, true); }
    });
  }

  function narrowBy(select, ts) {
    var field = narrowingField(select);
    if (!field) { return; }
    var everyone = Object.keys(ts.options).map(function (key) { return ts.options[key]; });
    function apply(clearOutsiders) {
      var unit = chosenUnit(field);
      var keep = everyone.filter(function (option) { return belongs(option, unit); });
      var kept = {};
      keep.forEach(function (option) { kept[option.value] = true; });
      if (clearOutsiders) {
        [].concat(ts.getValue() || []).forEach(function (value) {
          if (value !== "" && !kept[value]) { ts.removeItem(value, true); }
        });
      }
      // Keep what is chosen (even outside, on a form sent back with an error) and the unit's people.
      ts.clearOptions(function (option, value) { return kept[value] || ts.items.indexOf(value) >= 0; });
      ts.addOptions(keep);
      ts.refreshOptions(false);
      ts.updateOriginalInput({ silent: true });
    }
    apply(false);
    field.addEventListener("change", function () { apply(true); });
  }

  // A long picker: the server searches (every word, pinyin too) and narrows by unit; a page at a time.
  function loadFromServer(select, settings) {
    var source = select.getAttribute("data-source");
    var field = select.hasAttribute("data-narrow-by") ? narrowingField(select) : null;
    var generation = 0;
    function note(text, query) { return { value: NOTE, text: text, note: true, disabled: true, gen: generation, q: query }; }
    settings.preload = "focus";
    settings.loadThrottle = 250;
    settings.shouldLoad = function () { return true; };
    // Only the latest answer, and only while its words are still those typed: not the list of the words
    // before them, which Enter would otherwise choose from.
    settings.score = function (query) {
      return function (item) { return item.gen === generation && item.q === query ? 1 : 0; };
    };
    settings.render.loading = function () { return "<div class=\"no-results\">" + escape(TEXT.loading) + "</div>"; };
    settings.render.option = function (item) {
      return item.note ? "<div class=\"text-secondary small\">" + escape(item.text) + "</div>" :
        "<div>" + escape(item.text) + "</div>";
    };
    var pending = null;
    settings.load = function (query, callback) {
      var ts = this;
      var params = new URLSearchParams({ q: query });
      if (field && field.value) { params.set("unit", field.value); }
      // Only the answer to the latest words counts: an earlier request still under way is abandoned.
      if (pending) { pending.abort(); }
      var asking = pending = new AbortController();
      fetch(source + "?" + params.toString(), {
        credentials: "same-origin", headers: { Accept: "application/json" }, signal: asking.signal
      })
        .then(function (response) {
          if (response.ok) { return response.json(); }
          // The server's own words when it has some (the page is out of date), else ours.
          return response.json().catch(function () { return {}; }).then(function (json) {
            throw { shown: typeof json.error === "string" ? json.error : TEXT.failed };
          });
        })
        .then(function (json) {
          if (asking.signal.aborted) { callback(); return; }
          generation += 1;
          var results = json.results.map(function (item) { item.gen = generation; item.q = query; return item; });
          if (json.more) { results.push(note(TEXT.more, query)); }
          finish(ts, query, results, callback);
        })
        .catch(function (error) {
          if (asking.signal.aborted) { callback(); return; }  // replaced by a later request
          generation += 1;
          finish(ts, query, [note(error && error.shown ? error.shown : TEXT.failed, query)], callback);
        });
    };
    function finish(ts, query, results, callback) {
      // Only this answer's options are offered; the chosen ones stay (and are offered again if they match).
      ts.clearOptions();
      results.forEach(function (item) {
        if (ts.options[item.value]) { ts.updateOption(item.value, item); }
      });
      callback(results);
      ts.loadedSearches = {};  // typing the same words again asks again: the records may have changed
      select.setAttribute("data-answered", query);
    }
    return field;
  }

  function enhance(select) {
    var multiple = select.multiple;
    var settings = {
      searchField: ["text", "py"],
      maxOptions: null,
      allowEmptyOption: !multiple,
      // A multiple choice keeps its search box: hiding it when the picker loses focus would shrink the box
      // under the pointer on a phone, and the button below would move away between press and release.
      hidePlaceholder: !multiple,
      placeholder: TEXT.search,
      plugins: multiple ? { remove_button: { title: TEXT.remove } } : {},
      render: {
        option: function (item) { return "<div>" + escape(item.text) + "</div>"; },
        item: function (item) { return "<div>" + escape(item.text) + "</div>"; },
        no_results: function () { return "<div class=\"no-results\">" + escape(TEXT.noResults) + "</div>"; },
        option_create: function () { return null; }
      },
      onItemAdd: function () {
        if (multiple) { this.setTextboxValue(""); this.refreshOptions(false); }
      }
    };
    var remote = select.hasAttribute("data-source");
    var field = remote ? loadFromServer(select, settings) : null;
    var ts = new window.TomSelect(select, settings);
    if (remote && field) {
      field.addEventListener("change", function () {
        dropOutsiders(ts, field);
        ts.clearOptions();
        ts.wrapper.classList.remove("preloaded");  // the next opening asks for the new unit's people
      });
    } else if (select.hasAttribute("data-narrow-by")) {
      narrowBy(select, ts);
    }
  }

  function enhanceWithin(root) {
    if (!root || !root.querySelectorAll) { return; }
    var selects = root.matches && root.matches("select.form-select") ? [root] :
      Array.prototype.slice.call(root.querySelectorAll("select.form-select"));
    // Units first: a person picker narrowed by a unit reads the unit's chosen option.
    selects.filter(function (s) { return !s.hasAttribute("data-narrow-by"); })
      .concat(selects.filter(function (s) { return s.hasAttribute("data-narrow-by"); }))
      .forEach(function (select) { if (wanted(select)) { enhance(select); } });
  }

  enhanceWithin(document);
  document.addEventListener("htmx:load", function (event) { enhanceWithin(event.detail && event.detail.elt); });
  // htmx keeps a copy of the page for the back button: keep it as the server drew it.
  document.addEventListener("htmx:beforeHistorySave", function () {
    document.querySelectorAll("select.tomselected").forEach(function (select) {
      if (select.tomselect) { select.tomselect.destroy(); }
    });
  });
  window.Banzi = window.Banzi || {};
  window.Banzi.enhancePickers = enhanceWithin;
}());
