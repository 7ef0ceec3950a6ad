/* The legend (bottom right, collapsible): the choropleth classes with their area counts, "<5"
 * and "tidak ada data" swatches, then the hexagon classes (roles without points) or the point
 * colours (roles with points), then a shown plan's waves. Swatches are the drawn colours at the
 * drawn opacity. */
(function () {
  "use strict";
  var F = window.SasaranFormat, el = F.el;

  function Legend(page) {
    var control = L.control({ position: "bottomright" }), self = this;
    this.box = el("div", "sasaran-legend leaflet-bar");
    this.box.id = "sasaran-legend";
    this.toggle = el("button", "legend-toggle", page.t.legend);
    this.toggle.type = "button";
    this.toggle.setAttribute("aria-expanded", "true");
    this.body = el("div", "legend-body");
    this.classes = this.body.appendChild(el("div", "legend-classes"));
    this.hexes = this.body.appendChild(el("div", "legend-hexagons"));
    this.points = this.body.appendChild(el("div", "legend-points"));
    this.plan = this.body.appendChild(el("div", "legend-plan"));
    this.box.appendChild(this.toggle);
    this.box.appendChild(this.body);
    this.toggle.addEventListener("click", function () {
      self.body.hidden = !self.body.hidden;
      self.toggle.setAttribute("aria-expanded", String(!self.body.hidden));
    });
    // Narrow screens start with the legend folded: the map comes first.
    if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
      this.body.hidden = true;
      this.toggle.setAttribute("aria-expanded", "false");
    }
    L.DomEvent.disableClickPropagation(this.box);
    L.DomEvent.disableScrollPropagation(this.box);
    control.onAdd = function () { return self.box; };
    control.addTo(page.map);
    this.page = page;
    page.map.on("resize", function () { self.fit(); });
    this.fit();
  }

  /* The opened legend stops below the top controls (title bar, layer button): its height is
   * capped by the map's own height, not the viewport's, because under the app's header a short
   * screen leaves a short map and a 40vh legend covered the layer button. */
  Legend.prototype.fit = function () {
    var map = this.page.map.getContainer(), top = map.getBoundingClientRect().top, reserve = 0;
    [".sasaran-title", ".layers-toggle"].forEach(function (sel) {
      var node = map.querySelector(sel);
      if (node) reserve = Math.max(reserve, node.getBoundingClientRect().bottom - top);
    });
    var room = this.box.getBoundingClientRect().bottom - top - reserve - 8;
    this.box.style.maxHeight = Math.max(60, Math.round(room)) + "px";
  };

  Legend.prototype.swatch = function (color, opacity, hollow) {
    var s = el("span", hollow ? "swatch swatch-hollow" : "swatch");
    if (hollow) s.style.borderColor = color; else s.style.backgroundColor = F.blend(color, opacity);
    s.setAttribute("data-color", color);
    return s;
  };

  Legend.prototype.row = function (box, color, label, count, opacity, hollow) {
    var row = el("div", "legend-row");
    row.appendChild(this.swatch(color, opacity, hollow));
    row.appendChild(el("span", "legend-label", label));
    if (count !== undefined && count !== null) row.appendChild(el("span", "legend-count", "(" + F.num(count) + ")"));
    box.appendChild(row);
  };

  Legend.prototype.entries = function (box, legend, figure) {
    var self = this;
    legend.entries.forEach(function (e) {
      var label = e.label || (e.lower === e.upper ? F.value(e.lower, figure) :
        F.value(e.lower, figure) + " – " + F.value(e.upper, figure));
      self.row(box, e.color, label, e.count, legend.opacity);
    });
  };

  Legend.prototype.draw = function (data) {
    var t = this.page.t, box = this.classes, figure = data.figure;
    box.textContent = "";
    box.appendChild(el("div", "legend-title", t[figure] + " (" + t["level_" + data.level] + ")"));
    box.appendChild(el("div", "legend-sub", data.legend.scheme_label));
    this.entries(box, data.legend, figure);
    this.drawPoints();
  };

  Legend.prototype.drawHexagons = function (fc) {
    var t = this.page.t, box = this.hexes;
    box.textContent = "";
    if (!fc || !fc.legend) return;
    box.appendChild(el("div", "legend-title", t.hex_legend + ": " + t[fc.figure]));
    this.entries(box, fc.legend, fc.figure);
  };

  Legend.prototype.drawPoints = function () {
    var page = this.page, t = page.t, box = this.points, self = this;
    box.textContent = "";
    if (page.inline || !page.cfg.persons) return;
    box.appendChild(el("div", "legend-title", t.households));
    ["gap", "one", "overlap"].forEach(function (s) {
      self.row(box, page.cfg.status_colors[s], t["status_" + s], null, 0.9);
    });
    this.row(box, "#525252", t.status_no_coords, null, 1, true);
  };

  /* A plan's waves: ``waves`` = [{warna, label}] in wave order (sasaran-rollout.js). */
  Legend.prototype.drawPlan = function (name, waves) {
    var box = this.plan, self = this;
    box.textContent = "";
    if (!waves || !waves.length) return;
    box.appendChild(el("div", "legend-title", this.page.t.plan_legend + ": " + name));
    waves.forEach(function (w) { self.row(box, w.warna, w.label, null, 0.6); });
  };

  window.SasaranLegend = Legend;
})();
