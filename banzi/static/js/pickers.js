/* Searchable pickers (vendored Tom Select), on load and after every htmx swap.

   Every <select class="form-select"> with more than 20 options, or `multiple`, becomes a picker that
   searches its labels and each option's data-py (full pinyin and initials, from core/forms.py), so "zs"
   and "zhangsan" both find 张三. A multiple choice shows each chosen item with a remove button (no
   Ctrl-click). A person picker with data-narrow-by="<unit field name>" shows only the chosen unit's
   people (data-unit / data-township); the server checks the same rule.

   The texts come from the page (data- attributes of this script's tag, translated there). Every label is
   escaped in the render functions: a name such as "<img src=x onerror=...>" shows as written. */
(function () {
  "use strict";

  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var TEXT = {
    noResults: data.noResults || "",
    remove: data.remove || "",
    search: data.search || ""
  };
  var THRESHOLD = 20;

  function escape(value) {
    return window.Banzi && window.Banzi.escapeHtml ? window.Banzi.escapeHtml(value) :
      String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
        return "&#" + c.charCodeAt(0) + ";";
      });
  }

  function wanted(select) {
    if (select.tomselect || select.hasAttribute("data-no-picker") || !window.TomSelect) { return false; }
    return select.multiple || select.options.length > THRESHOLD;
  }

  // Is this option one of the chosen unit's people? The unit's own, or, for a township-level unit, anyone
  // of its township (its villages too); no unit chosen: everyone.
  function belongs(option, unit) {
    if (!unit || !unit.value || option.value === "") { return true; }
    var township = unit.dataset.township || "";
    return option.unit === unit.value || (township !== "" && option.township === township);
  }

  function narrowBy(select, ts) {
    var form = select.form;
    var field = form && form.elements[select.getAttribute("data-narrow-by")];
    if (!field || field.tagName !== "SELECT") { return; }
    var everyone = Object.keys(ts.options).map(function (key) { return ts.options[key]; });
    function apply(clearOutsiders) {
      var unit = field.selectedOptions[0] || null;
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
    var ts = new window.TomSelect(select, settings);
    if (select.hasAttribute("data-narrow-by")) { narrowBy(select, ts); }
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
