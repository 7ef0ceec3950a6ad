/* The map page's side panel (a bottom sheet on narrow screens): notices, kelurahan search,
 * link/PNG/PDF buttons, filters and classing, then the area totals, the ten areas with the
 * most gaps and the program overlap matrix. Text only via textContent. */
(function () {
  "use strict";
  var F = window.SasaranFormat, el = F.el;

  function Panel(page) {
    var self = this;
    this.page = page;
    this.t = page.t;
    this.root = document.getElementById("sasaran-panel");
    this.root.textContent = "";
    this.handle = this.root.appendChild(el("button", "sheet-handle", this.t.panel_toggle));
    this.handle.type = "button";
    this.handle.setAttribute("aria-expanded", "false");
    this.handle.addEventListener("click", function () { self.open(!self.root.classList.contains("open")); });
    this.root.appendChild(el("h1", "panel-title", this.t.title));
    this.note = this.root.appendChild(el("p", "panel-note"));
    this.notices = this.root.appendChild(el("p", "panel-notice"));
    this.notices.setAttribute("role", "status");
    if (page.inline) this.note.textContent = this.t.static_copy;
    else if (!page.cfg.persons) this.note.textContent = this.t.persons_hidden;
    else this.note.textContent = this.t.zoom_hint;
    this.searchBox();
    if (!page.inline) this.actions();
    this.detailBox = this.root.appendChild(el("section", "panel-detail"));
    this.detailBox.id = "sasaran-detail";
    if (!page.inline) this.filters();
    this.summary = this.root.appendChild(el("section", "panel-summary"));
    this.planBox = this.root.appendChild(el("section", "panel-plan"));
  }

  Panel.prototype.open = function (show) {
    this.root.classList.toggle("open", show);
    this.handle.setAttribute("aria-expanded", String(show));
  };

  Panel.prototype.say = function (text) { this.notices.textContent = text || ""; };

  Panel.prototype.field = function (form, label, input) {
    var wrap = el("label", "panel-field");
    wrap.appendChild(el("span", null, label));
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  };

  Panel.prototype.select = function (name, options, withAll) {
    var select = el("select"), state = this.page.state;
    select.name = name;
    if (withAll) options = [{ kode: "", nama: this.t.all }].concat(options);
    options.forEach(function (o) {
      var opt = el("option", null, o.nama);
      opt.value = o.kode;
      select.appendChild(opt);
    });
    select.value = String(state[name] === undefined || state[name] === null ? "" : state[name]);
    return select;
  };

  Panel.prototype.actions = function () {
    var self = this, t = this.t, page = this.page, box = el("div", "panel-actions");
    var button = function (cls, label, fn) {
      var b = el("button", "panel-button " + cls, label);
      b.type = "button";
      b.addEventListener("click", fn);
      box.appendChild(b);
    };
    button("copy-link", t.copy_link, function () { self.copyLink(); });
    if (page.cfg.urls.image) {
      button("download-png", t.download_png, function () { self.download(page.cfg.urls.image, true); });
    }
    if (page.cfg.urls.report) {
      button("download-pdf", t.download_pdf, function () { self.download(page.cfg.urls.report, false); });
    }
    this.linkBox = el("input", "panel-link");
    this.linkBox.readOnly = true;
    this.linkBox.hidden = true;
    this.linkBox.setAttribute("aria-label", t.link_manual);
    this.root.appendChild(box);
    this.root.appendChild(this.linkBox);
  };

  Panel.prototype.copyLink = function () {
    var self = this, url = window.location.href;
    this.linkBox.value = url;
    var shown = function (text) { self.say(text); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { shown(self.t.link_copied); },
        function () { self.linkBox.hidden = false; self.linkBox.select(); shown(self.t.link_manual); });
    } else {
      this.linkBox.hidden = false;
      this.linkBox.select();
      shown(this.t.link_manual);
    }
  };

  /* PNG of the current view (its bounds go along) or the PDF report of the area in scope. */
  Panel.prototype.download = function (base, withView) {
    var page = this.page, b = page.map.getBounds();
    var q = page.filterQuery() + "&" + page.classQuery();
    if (withView) q += "&bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
      .map(function (v) { return v.toFixed(5); }).join(",");
    // A download link, not a navigation: the page (and its state) stays as it is.
    var link = el("a");
    link.href = base + "?" + q;
    link.download = "";
    document.body.appendChild(link);
    link.click();
    link.remove();
  };

  Panel.prototype.filters = function () {
    var self = this, t = this.t, page = this.page, cfg = page.cfg, choices = cfg.choices;
    var form = el("form", "panel-filters"), names = function (list, prefix) {
      return list.map(function (k) { return { kode: k, nama: t[(prefix || "") + k] || k }; });
    };
    form.id = "sasaran-filters";
    this.field(form, t.figure, this.select("figure", names(cfg.figures), false));
    this.field(form, t.level, this.select("level", names(["kelurahan", "kecamatan", "kabkota"], "level_"), false));
    this.field(form, t.scheme, this.select("scheme", names(cfg.schemes), false));
    this.field(form, t.k, this.select("k", names(["3", "4", "5", "6", "7"]), false));
    this.field(form, t.ramp, this.select("ramp", names(cfg.ramps), false));
    this.field(form, t.kecamatan_filter, this.select("kecamatan", choices.kecamatan, true));
    if (cfg.area_filters) {
      this.field(form, t.program, this.select("program", choices.programs, true));
      this.field(form, t.agency, this.select("agency", choices.agencies, true));
    } else {
      form.appendChild(el("p", "panel-note panel-filters-note", t.area_filters_protected));
    }
    var desil = el("input");
    desil.type = "number"; desil.name = "desil_max"; desil.min = 1; desil.max = 10;
    desil.value = page.state.desil_max;
    this.field(form, t.desil_max, desil);
    var refDate = el("input");
    refDate.type = "date"; refDate.name = "ref_date"; refDate.value = page.state.ref_date;
    this.field(form, t.ref_date, refDate);
    var button = el("button", "panel-button panel-apply", t.apply);
    button.type = "submit";
    form.appendChild(button);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var before = page.state.kecamatan;
      new FormData(form).forEach(function (value, key) { page.state[key] = value; });
      if (page.state.kecamatan !== before) { page.state.pilih = ""; page.fitScope(); }
      page.refresh();
    });
    this.form = form;
    this.root.appendChild(form);
  };

  Panel.prototype.searchBox = function () {
    var self = this, input = el("input", "panel-search");
    input.type = "search"; input.placeholder = this.t.search;
    input.setAttribute("list", "sasaran-kelurahan");
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
    var page = this.page, needle = name.trim().toLowerCase(), hit = null;
    page.geo.kelurahan.features.forEach(function (f) {
      if (needle && f.properties.nama.toLowerCase() === needle) hit = f.properties.kode;
    });
    if (!hit) return;
    if (page.state.level !== "kelurahan") { page.state.level = "kelurahan"; page.refresh(); }
    page.clickArea(hit);
  };

  Panel.prototype.draw = function (data) {
    var t = this.t, box = this.summary, self = this;
    box.textContent = "";
    box.appendChild(el("h2", null, t.totals));
    var dl = el("dl", "panel-totals");
    ["targets", "covered", "overlap", "gap", "coverage_rate", "leakage"].forEach(function (f) {
      dl.appendChild(el("dt", null, t[f]));
      dl.appendChild(el("dd", null, F.value(data.totals[f], f)));
    });
    box.appendChild(dl);
    box.appendChild(el("h2", null, t.top_gaps));
    var ol = el("ol", "panel-top-gaps");
    data.top_gaps.forEach(function (r) {
      var li = el("li"), link = el("button", "link-button", r.nama);
      link.type = "button";
      link.addEventListener("click", function () { self.page.clickArea(r.kode); });
      li.appendChild(link);
      li.appendChild(el("span", null, " — " + F.num(r.gap) + " " + t.households_short));
      ol.appendChild(li);
    });
    box.appendChild(ol);
    this.matrix(data.overlap_matrix || { programs: [], matrix: [] });
  };

  Panel.prototype.matrix = function (m) {
    var box = this.summary;
    box.appendChild(el("h2", null, this.t.overlap_matrix));
    var wrap = el("div", "matrix-wrap"), table = el("table", "panel-matrix");
    var head = el("tr");
    head.appendChild(el("th"));
    m.programs.forEach(function (p) { head.appendChild(el("th", null, p.kode_program || p)); });
    table.appendChild(head);
    m.matrix.forEach(function (line, i) {
      var tr = el("tr");
      tr.appendChild(el("th", null, m.programs[i].kode_program || m.programs[i]));
      line.forEach(function (v) { tr.appendChild(el("td", null, F.num(v))); });
      table.appendChild(tr);
    });
    wrap.appendChild(table);
    box.appendChild(wrap);
  };

  Panel.prototype.error = function (err) {
    this.note.textContent = this.t.load_error + ": " + (err && err.message ? err.message : err);
    this.note.className = "panel-note panel-error";
  };

  window.SasaranPanel = { create: function (page) { return new Panel(page); } };
})();
