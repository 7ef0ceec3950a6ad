/* The kelurahan map page: fetches every layer from the app's API (or reads the inlined figures
 * of a static copy), draws the choropleth, outlines, household tiles or hexagons, program
 * layers, legend and side panel, and reloads them when a filter changes.
 * No innerHTML with data: names are set as text, so a kelurahan name can never inject markup. */
(function () {
  "use strict";
  var RATE_FIGURES = { coverage_rate: 1, overlap_share: 1, p0: 1, p1: 1, p2: 1, leakage: 0 };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function fmt(value, figure) {
    if (value === null || value === undefined) return "–";
    if (typeof value === "string") return value;
    if (RATE_FIGURES[figure]) return (value * 100).toFixed(1) + "%";
    return Number.isInteger(value) ? value.toLocaleString("id-ID") : value.toFixed(2);
  }

  function query(state, keys) {
    var parts = [];
    keys.forEach(function (k) {
      if (state[k] !== "" && state[k] !== null && state[k] !== undefined) {
        parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(state[k]));
      }
    });
    return parts.join("&");
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  function Page(map, cfg) {
    this.map = map;
    this.cfg = cfg;
    this.t = cfg.texts;
    this.state = Object.assign({}, cfg.state || {});
    this.inline = cfg.inline || null;
    this.figures = {};
    // Without its own zoom range, Leaflet narrows the map's to its layers' (the point tiles'
    // minZoom 14), and the city overview could never be seen.
    if (map.options.minZoom === undefined) map.options.minZoom = 0;
    if (map.options.maxZoom === undefined) map.options.maxZoom = 19;
    this.control = L.control.layers(null, null, { collapsed: false, position: "topright" });
    this.control.addTo(map);
    map.createPane("outlines").style.zIndex = 450;
    map.createPane("points").style.zIndex = 460;
  }

  Page.prototype.filterQuery = function () {
    return query(this.state, ["ref_date", "desil_max", "program", "agency", "kecamatan"]);
  };

  Page.prototype.start = function () {
    var self = this;
    this.panel = new Panel(this);
    this.legend = new Legend(this);
    this.choropleth = L.geoJSON(null, {
      style: function (f) { return self.areaStyle(f); },
      onEachFeature: function (f, layer) { self.bindArea(f, layer); },
    }).addTo(this.map);
    this.control.addOverlay(this.choropleth, this.t.choropleth);
    var loads = [this.loadAreas(), this.loadOutline("kecamatan", 1.5), this.loadOutline("kabkota", 3)];
    if (!this.inline) {
      loads.push(this.loadPrograms());
      this.addHouseholdLayer();
    }
    // The figures are fetched alongside the polygons (not after them) and applied once both
    // are in: the page is interactive after the slower of the two, not their sum.
    var figures = this.fetchFigures();
    return Promise.all(loads).then(function () { return figures; })
      .then(function (data) { return self.applyFigures(data); })
      .then(function () {
        // Milliseconds since navigation start, read by bench/bench_map.py.
        document.body.setAttribute("data-map-ready-ms", String(Math.round(performance.now())));
        document.body.setAttribute("data-map-ready", "1");
      })
      .catch(function (err) { self.panel.error(err); });
  };

  Page.prototype.source = function (name, url) {
    if (this.inline) return Promise.resolve(this.inline[name]);
    return getJSON(url);
  };

  Page.prototype.loadAreas = function () {
    var self = this;
    return this.source("kelurahan", this.cfg.urls.kelurahan).then(function (fc) {
      self.choropleth.addData(fc);
      var bounds = self.choropleth.getBounds();
      if (bounds.isValid()) self.map.fitBounds(bounds);
      self.panel.searchOptions(fc.features);
    });
  };

  Page.prototype.loadOutline = function (level, weight) {
    var self = this;
    return this.source(level, this.cfg.urls[level]).then(function (fc) {
      var layer = L.geoJSON(fc, {
        pane: "outlines", interactive: false,
        style: { color: "#252525", weight: weight, fill: false, opacity: 0.9 },
      }).addTo(self.map);
      self.control.addOverlay(layer, self.t[level]);
    });
  };

  Page.prototype.areaStyle = function (feature) {
    var row = this.figures[feature.properties.kode];
    var color = row ? row.warna : (this.noDataColor || "#d9d9d9");
    return { color: "#636363", weight: 0.6, fillColor: color, fillOpacity: 0.6 };
  };

  Page.prototype.bindArea = function (feature, layer) {
    var self = this;
    layer.bindTooltip(function () { return el("span", null, feature.properties.nama); },
      { sticky: true });
    layer.bindPopup(function () { return self.popup(feature.properties); });
  };

  Page.prototype.popup = function (props) {
    var t = this.t, row = this.figures[props.kode] || {};
    var box = el("div", "sasaran-popup");
    box.appendChild(el("strong", null, props.nama + " (" + props.kode + ")"));
    var table = el("table");
    ["targets", "covered", "overlap", "gap", "coverage_rate", "leakage", "p0", "p1", "p2"]
      // P0-P2 are computed only when one of them is the mapped figure.
      .filter(function (f) { return !/^p[012]$/.test(f) || (row[f] !== undefined && row[f] !== null); })
      .forEach(function (f) {
      var tr = el("tr");
      tr.appendChild(el("th", null, t[f] || f));
      tr.appendChild(el("td", null, fmt(row[f], f)));
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  };

  Page.prototype.fetchFigures = function () {
    var url = this.cfg.urls.figures + "?" + this.filterQuery() + "&" +
      query(this.state, ["figure", "scheme", "k"]) + "&lang=" + this.cfg.lang;
    return this.source("figures", url);
  };

  Page.prototype.applyFigures = function (data) {
    var self = this;
    this.figures = data.areas;
    this.noDataColor = data.legend.entries[data.legend.entries.length - 1].color;
    this.choropleth.setStyle(function (f) { return self.areaStyle(f); });
    this.legend.draw(data);
    this.panel.draw(data);
    return this.reloadTiles();
  };

  Page.prototype.refresh = function () {
    var self = this;
    return this.fetchFigures().then(function (data) { return self.applyFigures(data); });
  };

  Page.prototype.pointStyle = function (props) {
    var color = this.cfg.status_colors[props.status];
    if (props.no_coords) {
      // Not a surveyed location: hollow, dashed ring at the kelurahan's interior point.
      return { radius: 5, color: color, weight: 1.5, dashArray: "2,2", fill: false };
    }
    return { radius: 3.5, color: "#ffffff", weight: 0.5, fill: true, fillColor: color,
      fillOpacity: 0.9 };
  };

  Page.prototype.tileLayer = function (url, layerName) {
    var self = this, styles = {};
    styles[layerName] = function (props) { return self.pointStyle(props); };
    return L.vectorGrid.protobuf(url, {
      rendererFactory: L.canvas.tile, vectorTileLayerStyles: styles, interactive: false,
      minZoom: this.cfg.point_min_zoom, maxNativeZoom: 18, pane: "points",
    });
  };

  Page.prototype.addHouseholdLayer = function () {
    if (this.cfg.persons) {
      this.points = this.tileLayer(this.tileUrl(this.cfg.urls.tiles, {}), "households");
      this.points.addTo(this.map);
      this.control.addOverlay(this.points, this.t.households);
    } else {
      var self = this;
      this.hexagons = L.geoJSON(null, {
        pane: "points",
        style: { color: "#4d4d4d", weight: 1, fillColor: "#fdae61", fillOpacity: 0.35 },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindTooltip(self.t.targets + ": " + p.targets + " · " + self.t.gap + ": " + p.gap);
        },
      }).addTo(this.map);
      this.control.addOverlay(this.hexagons, this.t.hexagons);
    }
  };

  Page.prototype.tileUrl = function (base, extra) {
    var state = Object.assign({}, this.state, extra);
    return base + "?" + query(state, ["ref_date", "desil_max", "program", "agency"]);
  };

  Page.prototype.setTileUrl = function (layer, url) {
    // GridLayer.redraw ignores minZoom: below it, only swap the URL (used once zoomed in),
    // or the overview would fetch city-wide point tiles.
    layer.setUrl(url, this.map.getZoom() < layer.options.minZoom);
  };

  Page.prototype.reloadTiles = function () {
    var self = this;
    if (this.points) this.setTileUrl(this.points, this.tileUrl(this.cfg.urls.tiles, {}));
    (this.programLayers || []).forEach(function (p) {
      self.setTileUrl(p.tiles,
        self.tileUrl(self.cfg.urls.program_tiles, { program: p.kode, agency: "" }));
    });
    if (this.hexagons) {
      return getJSON(this.cfg.urls.hexagons + "?" + this.filterQuery()).then(function (fc) {
        self.hexagons.clearLayers();
        self.hexagons.addData(fc);
      });
    }
  };

  Page.prototype.loadPrograms = function () {
    // Names come with the page; a program's tiles and service-area outline are fetched only
    // when its layer is switched on.
    var self = this;
    if (!this.cfg.persons) return Promise.resolve();
    this.programLayers = this.cfg.choices.programs.map(function (p) {
      var tiles = self.tileLayer(
        self.tileUrl(self.cfg.urls.program_tiles, { program: p.kode, agency: "" }), "enrolled");
      var group = L.layerGroup([tiles]);
      group.once("add", function () { self.loadServiceArea(p.kode, group); });
      self.control.addOverlay(group, self.t.program_layer + ": " + p.nama);
      return { kode: p.kode, tiles: tiles, group: group };
    });
    return Promise.resolve();
  };

  Page.prototype.loadServiceArea = function (kode, group) {
    var self = this;
    return getJSON(this.cfg.urls.programs + "?kode=" + encodeURIComponent(kode))
      .then(function (list) {
        if (!list.length || !list[0].wilayah_layanan) return;
        group.addLayer(L.geoJSON(list[0].wilayah_layanan, { pane: "outlines", interactive: false,
          style: { color: "#1b7837", weight: 2.5, dashArray: "6,4", fill: false } }));
      })
      .catch(function (err) { self.panel.error(err); });
  };

  function Legend(page) {
    var control = L.control({ position: "bottomright" });
    var box = el("div", "sasaran-legend leaflet-bar");
    control.onAdd = function () { return box; };
    control.addTo(page.map);
    this.page = page;
    this.box = box;
  }

  Legend.prototype.swatch = function (color, hollow) {
    var s = el("span", hollow ? "swatch swatch-hollow" : "swatch");
    if (hollow) s.style.borderColor = color; else s.style.backgroundColor = color;
    return s;
  };

  Legend.prototype.draw = function (data) {
    var t = this.page.t, box = this.box, self = this, figure = data.figure;
    box.textContent = "";
    box.appendChild(el("div", "legend-title", t[figure] + " — " + data.legend.scheme_label));
    data.legend.entries.forEach(function (e) {
      var row = el("div", "legend-row");
      row.appendChild(self.swatch(e.color));
      var label = e.no_data ? e.label : fmt(e.lower, figure) + " – " + fmt(e.upper, figure);
      row.appendChild(el("span", "legend-label", label));
      row.appendChild(el("span", "legend-count", "(" + e.count + ")"));
      box.appendChild(row);
    });
    if (this.page.inline) return;
    box.appendChild(el("div", "legend-title", t.households));
    ["gap", "one", "overlap"].forEach(function (s) {
      var row = el("div", "legend-row");
      row.appendChild(self.swatch(self.page.cfg.status_colors[s]));
      row.appendChild(el("span", "legend-label", t["status_" + s]));
      box.appendChild(row);
    });
    var row = el("div", "legend-row");
    row.appendChild(this.swatch("#525252", true));
    row.appendChild(el("span", "legend-label", t.status_no_coords));
    box.appendChild(row);
  };

  window.SasaranMap = {
    init: function (map, cfg) {
      var page = new Page(map, cfg);
      window.SasaranMap.page = page;
      page.start();
      return page;
    },
    Page: Page, Legend: Legend, el: el, fmt: fmt, query: query,
  };
  var Panel = function (page) { return window.SasaranPanel.create(page); };
})();
