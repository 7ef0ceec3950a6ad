/* What lies on the areas: household point tiles (roles that may see persons), the hexagon
 * aggregate coloured by the mapped figure (the other roles), and per-program layers. */
(function () {
  "use strict";
  var F = window.SasaranFormat, el = F.el, Page = window.SasaranMap.Page;
  var Layers = window.SasaranLayers, query = window.SasaranMap.query;

  Page.prototype.pointStyle = function (props) {
    var color = this.cfg.status_colors[props.status];
    if (props.no_coords) {
      // Not a surveyed location: hollow, dashed ring at the kelurahan's interior point.
      return { radius: 5, color: color, weight: 1.5, dashArray: "2,2", fill: false };
    }
    return { radius: 3.5, color: "#ffffff", weight: 0.5, fill: true, fillColor: color,
      fillOpacity: 0.9 };
  };

  Page.prototype.tileUrl = function (base, extra) {
    var state = Object.assign({}, this.state, extra);
    // kecamatan: drilled into one, the points (and their aggregates) are that kecamatan's too.
    return base + "?" + query(state, ["ref_date", "desil_max", "program", "agency", "kecamatan"]);
  };

  Page.prototype.householdLayer = function () {
    this.points = Layers.householdTileLayer(this, this.tileUrl(this.cfg.urls.tiles, {}),
      "households");
    return this.points;
  };

  Page.prototype.programLayer = function (p) {
    var self = this;
    var tiles = Layers.householdTileLayer(this,
      this.tileUrl(this.cfg.urls.program_tiles, { program: p.kode, agency: "" }), "enrolled");
    var group = L.layerGroup([tiles]);
    group.once("add", function () { self.loadServiceArea(p.kode, group); });
    this.programLayers = (this.programLayers || []).concat([{ kode: p.kode, tiles: tiles }]);
    return group;
  };

  Page.prototype.loadServiceArea = function (kode, group) {
    var self = this;
    return window.SasaranMap.getJSON(this.cfg.urls.programs + "?kode=" + encodeURIComponent(kode))
      .then(function (list) {
        if (!list.length || !list[0].wilayah_layanan) return;
        group.addLayer(L.geoJSON(list[0].wilayah_layanan, { pane: "outlines", interactive: false,
          style: { color: "#1b7837", weight: 2.5, dashArray: "6,4", fill: false } }));
      })
      .catch(function (err) { self.panel.error(err); });
  };

  /* Hexagons take the mouse (hover shows their counts); a click on one opens the area below
   * it, so the choropleth stays clickable wherever hexagons lie. */
  Page.prototype.hexagonLayer = function () {
    var self = this, t = this.t;
    this.hexagons = L.geoJSON(null, {
      pane: "hexagons",
      style: function (f) {
        return { color: "#4d4d4d", weight: 0.6, fillColor: f.properties.warna,
          fillOpacity: self.cfg.fill_opacity };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties, under = null;
        // The kelurahan below the mouse first (name and mapped figure, as over the choropleth),
        // then the hexagon's own counts.
        var text = function () {
          var box = under ? self.hoverText(under) : el("div");
          var hex = box.appendChild(el("div", "tooltip-hexagon"));
          hex.appendChild(el("div", null, t.hex_legend + ": " + t.targets + " " + F.num(p.targets) +
            ", " + t.gap + " " + F.num(p.gap) + ", " + t.coverage_rate + " " + F.pct(p.coverage_rate)));
          return box;
        };
        layer.bindTooltip(text, { sticky: true, className: "area-tooltip" });
        layer.on("mousemove", function (ev) {
          var kode = self.areaAt(ev.latlng), props = kode ? self.areaProps(kode) : null;
          if (props === under) return;
          under = props;
          layer.setTooltipContent(text());
        });
        layer.on("click", function (ev) {
          var kode = self.areaAt(ev.latlng);
          if (kode) self.clickArea(kode);
        });
      },
    });
    return this.hexagons;
  };

  /* The area of the current level containing ``latlng`` (ray casting over its rings). */
  Page.prototype.areaAt = function (latlng) {
    var found = null;
    this.eachArea(function (layer, kode) {
      if (found || !layer.getBounds().contains(latlng)) return;
      var rings = layer.getLatLngs();
      var polygons = Array.isArray(rings[0][0]) ? rings : [rings];
      polygons.forEach(function (poly) { if (!found && inside(latlng, poly[0])) found = kode; });
    });
    return found;
  };

  Page.prototype.areaProps = function (kode) {
    var found = null;
    this.eachArea(function (layer, k) { if (k === kode) found = layer.feature.properties; });
    return found;
  };

  function inside(p, ring) {
    var hit = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a.lat > p.lat) !== (b.lat > p.lat) &&
          p.lng < (b.lng - a.lng) * (p.lat - a.lat) / (b.lat - a.lat) + a.lng) hit = !hit;
    }
    return hit;
  }

  Page.prototype.setTileUrl = function (layer, url) {
    // The same URL (the first figures, a change of mapped figure) keeps the tiles drawn:
    // a redraw would fetch every tile of the view again.
    if (layer._url === url) return;
    // GridLayer.redraw ignores minZoom: below it, only swap the URL (used once zoomed in),
    // or the overview would fetch city-wide point tiles.
    layer.setUrl(url, this.map.getZoom() < layer.options.minZoom);
  };

  Page.prototype.reloadPoints = function () {
    var self = this;
    if (this.points) this.setTileUrl(this.points, this.tileUrl(this.cfg.urls.tiles, {}));
    (this.programLayers || []).forEach(function (p) {
      self.setTileUrl(p.tiles,
        self.tileUrl(self.cfg.urls.program_tiles, { program: p.kode, agency: "" }));
    });
    if (!this.hexagons) return Promise.resolve();
    var url = this.cfg.urls.hexagons + "?" + this.filterQuery() + "&" +
      query(this.state, ["figure", "scheme", "k", "ramp", "lang"]);
    // Only the latest request draws: an earlier one answering late must not overwrite it.
    var seq = this.hexagonSeq = (this.hexagonSeq || 0) + 1;
    document.body.removeAttribute("data-hexagons-ready");
    return window.SasaranMap.getJSON(url).then(function (fc) {
      if (seq !== self.hexagonSeq) return;
      self.hexagons.clearLayers();
      self.hexagons.addData(fc);
      self.legend.drawHexagons(fc);
      // Milliseconds since navigation start, read by bench/bench_map.py.
      document.body.setAttribute("data-hexagons-ready-ms", String(Math.round(performance.now())));
      document.body.setAttribute("data-hexagons-ready", "1");
    }).catch(function (err) { self.panel.error(err); });
  };
})();
