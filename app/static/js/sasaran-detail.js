/* The clicked area's figures in the side panel: all coverage figures, P0-P2, the same per
 * program, and (roles that may see persons) its poorest uncovered households. The static copy
 * has no API: it shows the area's row from the inlined figures. */
(function () {
  "use strict";
  var F = window.SasaranFormat, el = F.el;
  var FIGURES = ["targets", "covered", "overlap", "overlap_agency", "gap", "coverage_rate",
    "leakage", "p0", "p1", "p2"];
  var PROGRAM_FIGURES = ["targets", "covered", "gap", "coverage_rate", "leakage"];

  function Detail(page) {
    this.page = page;
    this.t = page.t;
    this.box = page.panel.detailBox;
    this.clear();
  }

  Detail.prototype.clear = function () {
    this.box.textContent = "";
    this.box.removeAttribute("data-kode");
    this.box.appendChild(el("h2", null, this.t.detail));
    this.box.appendChild(el("p", "panel-note", this.t.detail_hint));
  };

  Detail.prototype.show = function (kode, row) {
    var self = this, page = this.page;
    this.box.removeAttribute("data-kode");
    page.panel.open(true);
    if (page.inline) { this.draw({ kode: kode, nama: row ? row.nama : kode, figures: row || {} }); return Promise.resolve(); }
    var url = page.cfg.urls.area + encodeURIComponent(kode) + "?" + page.filterQuery();
    return window.SasaranMap.getJSON(url).then(function (d) { self.draw(d); })
      .catch(function (err) { page.panel.error(err); });
  };

  Detail.prototype.table = function (rows) {
    var table = el("table", "detail-figures");
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.setAttribute("data-figure", r[0]);
      tr.appendChild(el("th", null, r[1]));
      tr.appendChild(el("td", null, r[2]));
      table.appendChild(tr);
    });
    return table;
  };

  Detail.prototype.draw = function (d) {
    var t = this.t, box = this.box, f = d.figures || {}, self = this;
    box.textContent = "";
    var head = el("div", "detail-head");
    head.appendChild(el("h2", null, d.nama + " (" + d.kode + ")"));
    var close = el("button", "btn-close-detail", "×");
    close.type = "button";
    close.title = t.close;
    close.setAttribute("aria-label", t.close);
    close.addEventListener("click", function () {
      self.page.state.pilih = "";
      self.page.choropleth.setStyle(function (ft) { return self.page.areaStyle(ft); });
      self.page.drawTitle();
      self.page.saveState();
      self.clear();
    });
    head.appendChild(close);
    box.appendChild(head);
    box.appendChild(this.table(FIGURES.filter(function (k) {
      return !/^p[012]$/.test(k) || (f[k] !== undefined && f[k] !== null);
    }).map(function (k) { return [k, t[k], F.value(f[k], k)]; })));
    if (d.programs && d.programs.length) this.programs(d.programs);
    if (d.gap_households) this.gaps(d.gap_households);
    box.setAttribute("data-kode", d.kode);
  };

  Detail.prototype.programs = function (programs) {
    var t = this.t, box = this.box;
    box.appendChild(el("h3", null, t.per_program));
    var wrap = el("div", "matrix-wrap"), table = el("table", "detail-programs"), head = el("tr");
    head.appendChild(el("th", null, t.program));
    PROGRAM_FIGURES.forEach(function (k) { head.appendChild(el("th", null, t[k])); });
    table.appendChild(head);
    programs.forEach(function (p) {
      var tr = el("tr");
      tr.setAttribute("data-program", p.kode);
      tr.appendChild(el("th", null, p.kode));
      PROGRAM_FIGURES.forEach(function (k) { tr.appendChild(el("td", null, F.value(p[k], k))); });
      table.appendChild(tr);
    });
    wrap.appendChild(table);
    box.appendChild(wrap);
  };

  Detail.prototype.gaps = function (rows) {
    var t = this.t, box = this.box;
    box.appendChild(el("h3", null, t.gap_households));
    if (!rows.length) { box.appendChild(el("p", "panel-note", t.no_gap_households)); return; }
    var ol = el("ol", "detail-gaps");
    rows.forEach(function (r) {
      ol.appendChild(el("li", null, r.nama_kepala + " · " + r.nik_kepala_mask + " · " + t.desil +
        " " + r.desil + " · " + F.num(r.jumlah_anggota) + " " + t.members + " · " +
        F.rupiah(r.pengeluaran_per_kapita)));
    });
    box.appendChild(ol);
  };

  window.SasaranDetail = Detail;
})();
