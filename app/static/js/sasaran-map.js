/* The map page: state (kept in the URL), the area choropleth (kelurahan or kecamatan level),
 * hover and click, drill-down with breadcrumb, title bar, and the figure reloads. Layers other
 * than the choropleth are in sasaran-layers.js, the legend and panels in their own scripts. */
(function () {
  "use strict";
  var F = window.SasaranFormat, el = F.el, Layers = window.SasaranLayers;
  var URL_KEYS = ["figure", "level", "scheme", "k", "ramp", "kecamatan", "program", "agency",
    "desil_max", "ref_date", "pilih", "basemap", "lapisan", "z", "lat", "lng", "lang"];
  var FILTER_KEYS = ["ref_date", "desil_max", "program", "agency", "kecamatan"];
  var CLASS_KEYS = ["figure", "scheme", "k", "ramp", "level", "lang"];

  function query(state, keys) {
    return keys.filter(function (k) {
      return state[k] !== "" && state[k] !== null && state[k] !== undefined;
    }).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(state[k]);
    }).join("&");
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error.message : "HTTP " + r.status);
        return body;
      });
    });
  }

  function Page(map, cfg) {
    var self = this, url = new URLSearchParams(window.location.search);
    this.map = map;
    this.cfg = cfg;
    this.t = cfg.texts;
    this.inline = cfg.inline || null;
    this.state = Object.assign({ lang: cfg.lang, pilih: "", basemap: "" }, cfg.state || {});
    URL_KEYS.forEach(function (k) { if (url.has(k)) self.state[k] = url.get(k); });
    // A shared link may carry a program or agency filter this role is not given per area
    // (page.py page_config): the map opens without it and says why once the panel exists.
    this.droppedFilter = !cfg.area_filters && Boolean(this.state.program || this.state.agency);
    if (!cfg.area_filters) { this.state.program = ""; this.state.agency = ""; }
    // The trail's root ("Semua wilayah") goes back to the level the page was opened with.
    this.startLevel = this.state.level || "kelurahan";
    this.figures = {};
    this.areas = {};
    // Settled once the first figures and hexagons are drawn (or failed): what may wait for
    // the map waits.
    this.drawn = new Promise(function (resolve) { self.settleDrawn = resolve; });
    // Without its own zoom range, Leaflet narrows the map's to its layers' (the point tiles'
    // minZoom 14), and the city overview could never be seen.
    map.options.minZoom = 0;
    map.options.maxZoom = 19;
    [["land", 150], ["outlines", 450], ["hexagons", 455], ["points", 460], ["labels", 470]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = p[1];
    });
    L.control.zoom({ position: "topleft", zoomInTitle: this.t.zoom_in,
      zoomOutTitle: this.t.zoom_out }).addTo(map);
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    map.attributionControl.setPrefix(false);
    this.control = new Layers.GroupedControl(this.t, function (id, on) { self.switchLayer(id, on); });
    this.control.addTo(map);
    this.layers = {};
    this.titleBar = el("div", "sasaran-title");
    map.getContainer().appendChild(this.titleBar);
    L.DomEvent.disableClickPropagation(this.titleBar);
  }

  Page.prototype.filterQuery = function () { return query(this.state, FILTER_KEYS); };
  Page.prototype.classQuery = function () { return query(this.state, CLASS_KEYS); };

  Page.prototype.start = function () {
    var self = this;
    this.legend = new window.SasaranLegend(this);
    this.panel = window.SasaranPanel.create(this);
    if (this.droppedFilter) this.notice(this.t.area_filters_protected);
    this.detail = new window.SasaranDetail(this);
    this.basemaps = new Layers.Basemaps(this);
    this.basemaps.register(this.control);
    var figures = this.fetchFigures();  // alongside the polygons: ready after the slower one
    var loads = ["kelurahan", "kecamatan", "kabkota"].map(function (level) {
      return self.source(level, self.cfg.urls[level]).then(function (fc) { self.addAreas(level, fc); });
    });
    return Promise.all(loads).then(function () {
      // The view first: overlays added before it would fetch the tiles of the map's
      // placeholder view (twenty z12 tiles at 1 M) only to drop them.
      self.firstView();
      self.addOverlays();
      self.basemaps.start(self.state.basemap);
      return figures;
    }).then(function (data) { return self.applyFigures(data); })
      .then(function () {
        if (self.state.pilih) self.select(self.state.pilih, false);
        self.map.on("moveend", function () { self.saveState(); });
        self.map.on("zoomend", function () { self.zoomNotes(); });
        self.zoomNotes();
        // Milliseconds since navigation start, read by bench/bench_map.py.
        document.body.setAttribute("data-map-ready-ms", String(Math.round(performance.now())));
        document.body.setAttribute("data-map-ready", "1");
      })
      .catch(function (err) { self.panel.error(err); })
      .then(function () { return self.overlaysLoaded; })  // the hexagons too
      .then(function () { self.settleDrawn(); });
  };

  Page.prototype.source = function (name, url) {
    if (this.inline) return Promise.resolve(this.inline[name]);
    return getJSON(url);
  };

  Page.prototype.addAreas = function (level, fc) {
    var self = this;
    this.geo = this.geo || {};
    this.geo[level] = fc;
    this.areas[level] = L.geoJSON(fc, {
      style: function (f) { return self.areaStyle(f); },
      onEachFeature: function (f, layer) { self.bindArea(f, layer); },
    });
    if (level === "kelurahan") this.panel.searchOptions(fc.features);
  };

  Page.prototype.addOverlays = function () {
    var t = this.t, on = this.layersOn(), c = this.control, self = this;
    var add = function (group, id, label, layer) {
      self.layers[id] = layer;
      c.add(group, id, label, on[id]);
      if (on[id]) layer.addTo(self.map);
    };
    this.land = L.geoJSON(this.geo.kabkota, { pane: "land", interactive: false,
      style: { stroke: false, fillColor: "#f4f1e9", fillOpacity: 1 } });
    this.choropleth = this.areas[this.state.level] || this.areas.kelurahan;
    add(t.group_wilayah, "choropleth", t.choropleth, L.layerGroup([this.choropleth]));
    add(t.group_wilayah, "kecamatan", t.kecamatan, Layers.outlineLayer(this.geo.kecamatan, 1.5));
    add(t.group_wilayah, "kabkota", t.kabkota, Layers.outlineLayer(this.geo.kabkota, 3));
    this.labelSets = { kelurahan: Layers.labelLayer(this.geo.kelurahan, 12),
      kecamatan: Layers.labelLayer(this.geo.kecamatan, 10),
      kabkota: Layers.labelLayer(this.geo.kabkota, 7) };
    add(t.group_wilayah, "labels", t.labels, L.layerGroup([this.labelSets[this.state.level] ||
      this.labelSets.kelurahan]));
    if (this.inline) return;
    if (this.cfg.persons) {
      add(t.group_wilayah, "households", t.households, this.householdLayer());
    } else {
      add(t.group_wilayah, "hexagons", t.hexagons, this.hexagonLayer());
    }
    (this.cfg.choices.programs || []).forEach(function (p) {
      if (self.cfg.persons) add(t.group_program, "program:" + p.kode, t.program_layer + ": " + p.nama,
        self.programLayer(p));
    });
    if (window.SasaranRollout) this.rollout = window.SasaranRollout.attach(this);
  };

  Page.prototype.layersOn = function () {
    var on = { choropleth: 1, kecamatan: 1, kabkota: 1, labels: 1, households: 1, hexagons: 1 };
    if (this.state.lapisan !== undefined && this.state.lapisan !== null && this.state.lapisan !== "") {
      on = {};
      String(this.state.lapisan).split(",").forEach(function (id) { on[id] = 1; });
    }
    return on;
  };

  Page.prototype.switchLayer = function (id, checked) {
    if (id.indexOf("basemap:") === 0) { this.basemaps.show(id.slice(8)); return; }
    var layer = this.layers[id];
    if (!layer) return;
    if (checked) layer.addTo(this.map); else this.map.removeLayer(layer);
    this.zoomNotes();
    this.saveState();
  };

  // The first view is set at once, not animated: the page says it is ready right after, and a
  // click during a zoom animation is hit-tested against the outlines of the previous zoom (a tap
  // on one kelurahan opened its neighbour).
  Page.prototype.firstView = function () {
    var s = this.state;
    if (s.z && s.lat && s.lng) {
      this.map.setView([Number(s.lat), Number(s.lng)], Number(s.z), { animate: false });
    } else {
      this.fitScope({ animate: false });
    }
  };

  Page.prototype.fitScope = function (options) {
    var code = this.state.kecamatan, bounds = null;
    this.eachArea(function (layer, kode) {
      if (!code || kode === code || kode.indexOf(code + ".") === 0) {
        bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds());
      }
    }, "kelurahan");
    if (bounds && bounds.isValid()) this.map.fitBounds(bounds, options);
  };

  Page.prototype.eachArea = function (fn, level) {
    var group = this.areas[level || this.state.level];
    if (group) group.eachLayer(function (layer) { fn(layer, layer.feature.properties.kode); });
  };

  Page.prototype.inScope = function (kode) {
    var code = this.state.kecamatan;
    return !code || kode === code || kode.indexOf(code + ".") === 0 || code.indexOf(kode + ".") === 0;
  };

  Page.prototype.areaStyle = function (feature) {
    var kode = feature.properties.kode, row = this.figures[kode];
    if (!this.inScope(kode)) {
      return { color: "#9e9e9e", weight: 0.5, fillColor: "#ffffff", fillOpacity: 0.15 };
    }
    var selected = kode === this.state.pilih;
    return { color: selected ? "#000000" : "#636363", weight: selected ? 3 : 0.7,
      fillColor: row ? row.warna : this.noDataColor || "#e0e0e0",
      fillOpacity: this.cfg.fill_opacity };
  };

  Page.prototype.bindArea = function (feature, layer) {
    var self = this, kode = feature.properties.kode;
    layer.bindTooltip(function () { return self.hoverText(feature.properties); },
      { sticky: true, className: "area-tooltip" });
    layer.on("mouseover", function () { layer.setStyle({ weight: 3, color: "#000000" }); });
    layer.on("mouseout", function () { layer.setStyle(self.areaStyle(feature)); });
    layer.on("click", function () { self.clickArea(kode); });
  };

  Page.prototype.hoverText = function (props) {
    var row = this.figures[props.kode], box = el("div");
    box.appendChild(el("strong", null, props.nama));
    var value = row ? F.value(row[this.state.figure], this.state.figure) : "–";
    box.appendChild(el("div", null, this.t[this.state.figure] + ": " + value));
    return box;
  };

  Page.prototype.clickArea = function (kode) {
    if (kode.length < 13) return this.drill(kode);  // kab/kota or kecamatan: one level down
    if (!this.inScope(kode)) this.state.kecamatan = kode.slice(0, 8);
    return this.select(kode, true);
  };

  /* Down (or back up the trail) to ``code``: a kab/kota shows its kecamatan, a kecamatan its
   * kelurahan, zoomed to; "" (the trail's root) the whole scope at the page's first level. */
  Page.prototype.drill = function (code) {
    this.state.kecamatan = code;
    this.state.pilih = "";
    this.setLevel(code.length >= 8 ? "kelurahan" : code.length >= 5 ? "kecamatan" : this.startLevel);
    this.detail.clear();
    this.fitScope();
    return this.refresh();
  };

  Page.prototype.select = function (kode, zoom) {
    var self = this, found = null;
    this.state.pilih = kode;
    this.eachArea(function (layer, k) { if (k === kode) found = layer; });
    this.choropleth.setStyle(function (f) { return self.areaStyle(f); });
    if (found && zoom) {
      this.map.fitBounds(found.getBounds(), Object.assign({ maxZoom: 15 }, this.clearOfPanel()));
    }
    if (found) found.bringToFront();
    this.drawTitle();
    this.saveState();
    return this.detail.show(kode, this.figures[kode]);
  };

  /* On a narrow screen the panel opens as a bottom sheet over the lower part of the map (the
   * CSS --sheet-open of the screen's height) and the title bar sits over its top: a chosen area
   * is fitted into the strip between them, not behind the sheet. Beside the map (a side panel
   * narrower than the map) nothing covers it. */
  Page.prototype.clearOfPanel = function () {
    var box = this.map.getContainer().getBoundingClientRect();
    if (this.panel.root.getBoundingClientRect().width < box.width) return {};
    var open = parseFloat(getComputedStyle(document.documentElement)
      .getPropertyValue("--sheet-open"));
    var sheetTop = window.innerHeight * (1 - (open || 0) / 100);
    var title = this.titleBar.getBoundingClientRect();
    return { paddingTopLeft: L.point(0, Math.max(0, title.bottom - box.top)),
      paddingBottomRight: L.point(0, Math.max(0, box.bottom - sheetTop)) };
  };

  Page.prototype.setLevel = function (level) {
    if (level === this.state.level && this.choropleth === this.areas[level]) return;
    this.state.level = level;
    var group = this.layers.choropleth;
    group.clearLayers();
    this.choropleth = this.areas[level];
    group.addLayer(this.choropleth);
    this.layers.labels.clearLayers();
    this.layers.labels.addLayer(this.labelSets[level]);
    this.zoomNotes();
  };

  Page.prototype.fetchFigures = function () {
    var url = this.cfg.urls.figures + "?" + this.filterQuery() + "&" + this.classQuery();
    return this.source("figures", url);
  };

  Page.prototype.applyFigures = function (data) {
    var self = this;
    this.data = data;
    this.figures = data.areas;
    var last = data.legend.entries[data.legend.entries.length - 1];
    this.noDataColor = last.color;
    this.choropleth.setStyle(function (f) { return self.areaStyle(f); });
    this.legend.draw(data);
    this.panel.draw(data);
    this.drawTitle();
    this.legend.fit();  // the title's height changes with its trail
    this.saveState();
    // The map is usable once its areas are drawn: the points or hexagons over them come on
    // their own (the hexagons are the slowest request at 1 M households, ~1 s).
    this.overlaysLoaded = this.reloadPoints();
  };

  Page.prototype.refresh = function () {
    var self = this;
    document.body.removeAttribute("data-map-ready");
    if (this.layers.choropleth) this.setLevel(this.state.level);
    return this.fetchFigures().then(function (data) { return self.applyFigures(data); })
      .then(function () {
        if (self.state.pilih) return self.detail.show(self.state.pilih, self.figures[self.state.pilih]);
      })
      .then(function () { document.body.setAttribute("data-map-ready", "1"); })
      .catch(function (err) { self.panel.error(err); });
  };

  // Notices add up (a dropped link filter and an unreachable basemap can both happen on
  // opening); each is said once.
  Page.prototype.notice = function (text) {
    this.noticesShown = this.noticesShown || [];
    if (this.noticesShown.indexOf(text) >= 0) return;
    this.noticesShown.push(text);
    this.panel.say(this.noticesShown.join(" "));
  };

  Page.prototype.zoomNotes = function () {
    var below = this.map.getZoom() < this.cfg.point_min_zoom, t = this.t;
    document.querySelectorAll('.layers-item input[data-layer^="program:"], ' +
      '.layers-item input[data-layer="households"]').forEach(function (input) {
      input.parentNode.querySelector(".zoom-note").textContent = below ? " (" + t.zoom_for_points + ")" : "";
    });
    var labels = this.labelSets && this.labelSets[this.state.level];
    if (labels) {
      var pane = this.map.getPane("labels");
      pane.classList.toggle("labels-hidden", this.map.getZoom() < labels.minZoom);
      Layers.declutter(labels);
    }
  };

  window.SasaranMap = {
    init: function (map, cfg) {
      var page = new Page(map, cfg);
      window.SasaranMap.page = page;
      page.start();
      return page;
    },
    Page: Page, query: query, getJSON: getJSON, URL_KEYS: URL_KEYS,
  };
})();
