/* The map page's side panel: filters (reload the layers), kelurahan search, totals, the ten
 * kelurahan with the most gaps, and the program overlap matrix. Text only via textContent. */
(function () {
  "use strict";
  var el = function (tag, cls, text) { return window.SasaranMap.el(tag, cls, text); };

  function Panel(page) {
    this.page = page;
    this.t = page.t;
    this.root = document.getElementById("sasaran-panel");
    this.root.textContent = "";
    this.root.appendChild(el("h1", "panel-title", this.t.title));
    this.note = this.root.appendChild(el("p", "panel-note"));
    if (page.inline) this.note.textContent = this.t.static_copy;
    else if (!page.cfg.persons) this.note.textContent = this.t.persons_hidden;
    else this.note.textContent = this.t.zoom_hint;
    this.searchBox();
    if (!page.inline) this.filters();
    this.summary = this.root.appendChild(el("section", "panel-summary"));
  }

  Panel.prototype.field = function (form, label, input) {
    var wrap = el("label", "panel-field");
    wrap.appendChild(el("span", null, label));
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  };

  Panel.prototype.select = function (name, options, withAll) {
    var select = el("select");
    select.name = name;
    if (withAll) options = [{ kode: "", nama: this.t.all }].concat(options);
    options.forEach(function (o) {
      var opt = el("option", null, o.nama);
      opt.value = o.kode;
      select.appendChild(opt);
    });
    select.value = String(this.page.state[name] === undefined ? "" : this.page.state[name]);
    return select;
  };

  Panel.prototype.filters = function () {
    var self = this, t = this.t, page = this.page, choices = page.cfg.choices;
    var form = el("form", "panel-filters");
    form.id = "sasaran-filters";
    var figures = ["coverage_rate", "gap", "targets", "overlap_share", "leakage", "p0", "p1", "p2"]
      .map(function (f) { return { kode: f, nama: t[f] }; });
    var schemes = ["quantiles", "natural_breaks", "equal_interval"]
      .map(function (s) { return { kode: s, nama: t[s] }; });
    this.field(form, t.figure, this.select("figure", figures, false));
    this.field(form, t.scheme, this.select("scheme", schemes, false));
    this.field(form, t.kecamatan_filter, this.select("kecamatan", choices.kecamatan, true));
    this.field(form, t.program, this.select("program", choices.programs, true));
    this.field(form, t.agency, this.select("agency", choices.agencies, true));
    var desil = el("input");
    desil.type = "number"; desil.name = "desil_max"; desil.min = 1; desil.max = 10;
    desil.value = page.state.desil_max;
    this.field(form, t.desil_max, desil);
    var refDate = el("input");
    refDate.type = "date"; refDate.name = "ref_date"; refDate.value = page.state.ref_date;
    this.field(form, t.ref_date, refDate);
    var button = el("button", "btn btn-primary btn-sm", t.apply);
    button.type = "submit";
    form.appendChild(button);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      new FormData(form).forEach(function (value, key) { page.state[key] = value; });
      document.body.removeAttribute("data-map-ready");
      page.refresh().then(function () { document.body.setAttribute("data-map-ready", "1"); })
        .catch(function (err) { self.error(err); });
    });
    this.root.appendChild(form);
  };

  Panel.prototype.searchBox = function () {
    var self = this;
    var input = el("input", "panel-search");
    input.type = "search"; input.placeholder = this.t.search; input.setAttribute("list", "sasaran-kelurahan");
    input.setAttribute("aria-label", this.t.search);
    this.datalist = el("datalist");
    this.datalist.id = "sasaran-kelurahan";
    input.addEventListener("change", function () { self.find(input.value); });
    this.root.appendChild(input);
    this.root.appendChild(this.datalist);
  };

  Panel.prototype.searchOptions = function (features) {
    var list = this.datalist;
    features.forEach(function (f) {
      var opt = el("option");
      opt.value = f.properties.nama;
      list.appendChild(opt);
    });
  };

  Panel.prototype.find = function (name) {
    var page = this.page, needle = name.trim().toLowerCase();
    page.choropleth.eachLayer(function (layer) {
      if (needle && layer.feature.properties.nama.toLowerCase() === needle) {
        page.map.fitBounds(layer.getBounds());
        layer.openPopup(layer.getBounds().getCenter());
      }
    });
  };

  Panel.prototype.draw = function (data) {
    var t = this.t, fmt = window.SasaranMap.fmt, box = this.summary;
    box.textContent = "";
    box.appendChild(el("h2", null, t.totals));
    var dl = el("dl", "panel-totals");
    ["targets", "covered", "overlap", "gap", "coverage_rate", "leakage"].forEach(function (f) {
      dl.appendChild(el("dt", null, t[f]));
      dl.appendChild(el("dd", null, fmt(data.totals[f], f)));
    });
    box.appendChild(dl);
    box.appendChild(el("h2", null, t.top_gaps));
    var ol = el("ol", "panel-top-gaps");
    data.top_gaps.forEach(function (r) {
      ol.appendChild(el("li", null, r.nama + " — " + fmt(r.gap, "gap") + " " + t.households_short));
    });
    box.appendChild(ol);
    this.matrix(data.overlap_matrix || { programs: [], matrix: [] });
  };

  Panel.prototype.matrix = function (m) {
    var box = this.summary;
    box.appendChild(el("h2", null, this.t.overlap_matrix));
    var table = el("table", "panel-matrix");
    var head = el("tr");
    head.appendChild(el("th"));
    m.programs.forEach(function (p) { head.appendChild(el("th", null, p.kode_program || p)); });
    table.appendChild(head);
    m.matrix.forEach(function (line, i) {
      var tr = el("tr");
      var p = m.programs[i];
      tr.appendChild(el("th", null, p.kode_program || p));
      line.forEach(function (v) { tr.appendChild(el("td", null, v)); });
      table.appendChild(tr);
    });
    box.appendChild(table);
  };

  Panel.prototype.error = function (err) {
    this.note.textContent = this.t.load_error + ": " + (err && err.message ? err.message : err);
    this.note.className = "panel-note panel-error";
  };

  window.SasaranPanel = { create: function (page) { return new Panel(page); } };
})();
