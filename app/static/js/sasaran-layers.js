/* Map layers besides the choropleth: the grouped, collapsed layer control (Peta dasar /
 * Wilayah / Program / Rencana), basemaps with the offline fallback, outlines, labels, household
 * tiles or hexagons, and program layers. */
(function () {
  "use strict";
  var F = window.SasaranFormat, el = F.el;

  /* A layer control with named groups, collapsed to one button until opened. Each entry is a
   * labelled checkbox (or radio) with data-layer=<id>; ``onChange`` hears every switch. */
  var GroupedControl = L.Control.extend({
    options: { position: "topright" },
    initialize: function (t, onChange) { this.t = t; this.onChange = onChange; this.groups = {}; },
    onAdd: function () {
      var box = el("div", "sasaran-layers leaflet-bar"), self = this;
      this.button = el("button", "layers-toggle", this.t.layers);
      this.button.type = "button";
      this.button.setAttribute("aria-expanded", "false");
      this.button.title = this.t.layer_toggle;
      this.body = el("div", "layers-body");
      this.body.hidden = true;
      this.button.addEventListener("click", function () { self.toggle(); });
      box.appendChild(this.button);
      box.appendChild(this.body);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
    toggle: function (open) {
      var show = open === undefined ? this.body.hidden : open;
      this.body.hidden = !show;
      this.button.setAttribute("aria-expanded", String(show));
      // Narrower screens: the opened list would cover the title bar, which steps aside
      // meanwhile (CSS); the list stops above the legend, or the legend steps aside.
      if (!this._map) return;
      var box = this._map.getContainer();
      box.classList.toggle("layers-open", show);
      box.classList.remove("layers-cover-legend");
      this.body.style.maxHeight = "";
      if (show) this.clearLegend(box);
    },
    clearLegend: function (box) {
      var legend = box.querySelector(".sasaran-legend");
      if (!legend || !legend.offsetWidth) return;
      var list = this.body.getBoundingClientRect(), under = legend.getBoundingClientRect();
      if (under.right <= list.left || list.right <= under.left || list.bottom <= under.top) return;
      var room = under.top - list.top - 8;
      if (room >= 150) this.body.style.maxHeight = room + "px";
      else box.classList.add("layers-cover-legend");
    },
    group: function (name) {
      if (!this.groups[name]) {
        var set = el("fieldset", "layers-group");
        set.appendChild(el("legend", null, name));
        this.body.appendChild(set);
        this.groups[name] = set;
      }
      return this.groups[name];
    },
    add: function (group, id, label, checked, radio) {
      var row = el("label", "layers-item"), input = el("input"), self = this;
      input.type = radio ? "radio" : "checkbox";
      if (radio) input.name = "layers-" + group;
      input.checked = !!checked;
      input.setAttribute("data-layer", id);
      row.appendChild(input);
      row.appendChild(el("span", "layers-label", label));
      row.appendChild(el("span", "zoom-note"));
      input.addEventListener("change", function () { self.onChange(id, input.checked); });
      this.group(group).appendChild(row);
      return input;
    },
  });

  /* Basemaps: the first configured one is probed with ONE tile before its layer is added; if
   * it fails (offline intranet), no layer is added, so the console shows one failed request,
   * not a hundred, and the page switches to the no-basemap style and says so once. */
  function Basemaps(page) {
    this.page = page;
    this.layers = {};
    this.current = null;
  }

  Basemaps.prototype.register = function (control) {
    var self = this, page = this.page, list = page.cfg.basemaps || [];
    list.forEach(function (b, i) {
      self.layers[b.id] = L.tileLayer(b.url, { attribution: b.attribution, maxZoom: 19,
        subdomains: "abcd", className: "basemap-tiles" });
      control.add(page.t.basemap, "basemap:" + b.id, b.name, false, true);
    });
    control.add(page.t.basemap, "basemap:none", page.t.basemap_none, !list.length, true);
  };

  Basemaps.prototype.start = function (wanted) {
    var list = this.page.cfg.basemaps || [];
    var first = list.filter(function (b) { return b.id === wanted; })[0] || list[0];
    if (!first || wanted === "none") return this.show("none");
    var self = this, probe = new Image(), center = this.page.map.getCenter();
    var z = Math.min(this.page.map.getZoom(), 18);
    var tile = this.page.map.project(center, z).divideBy(256).floor();
    probe.onload = function () { self.show(first.id); };
    probe.onerror = function () { self.offline(); };
    // The tile's address from the template itself: Leaflet's getTileUrl takes the zoom of a
    // layer already on the map, and this one is not yet (it asked for ".../NaN/x/y.png", which a
    // real tile server refuses: online, the basemap was declared offline).
    probe.src = L.Util.template(first.url, { s: "a", r: "", x: tile.x, y: tile.y, z: z });
  };

  Basemaps.prototype.offline = function () {
    this.failed = true;
    this.show("none");
    this.page.notice(this.page.t.basemap_offline);
  };

  Basemaps.prototype.show = function (id) {
    var map = this.page.map;
    if (this.current && this.layers[this.current]) map.removeLayer(this.layers[this.current]);
    this.current = this.failed ? "none" : id;
    if (this.layers[this.current]) this.layers[this.current].addTo(map);
    map.getContainer().classList.toggle("no-basemap", this.current === "none");
    // Without a basemap the loaded kab/kota outlines are the land, the map's background the sea.
    if (this.page.land) {
      if (this.current === "none") this.page.land.addTo(map); else map.removeLayer(this.page.land);
    }
    var radio = document.querySelector('input[data-layer="basemap:' + this.current + '"]');
    if (radio) radio.checked = true;
    this.page.saveState();
  };

  /* Names of areas at their label point, as small text markers in a pane that never takes
   * the mouse; only from ``minZoom`` on, where they no longer pile up. */
  function labelLayer(fc, minZoom) {
    var group = L.layerGroup();
    fc.features.forEach(function (f) {
      var p = f.properties;
      if (p.label_lat === undefined || p.label_lat === null) return;
      group.addLayer(L.marker([p.label_lat, p.label_lon], { pane: "labels", interactive: false,
        keyboard: false, luas: Number(p.luas_km2) || 0,
        icon: L.divIcon({ className: "area-label", html: el("span", null, p.nama),
          iconSize: null }) }));
    });
    group.minZoom = minZoom;
    return group;
  }

  /* Names that would overlap another name are hidden, the larger area's name kept: in a dense
   * centre the small kelurahan's names piled on top of each other, unreadable. Run after each
   * zoom (positions and sizes on screen change); a hidden name comes back when zoomed in. */
  function declutter(group) {
    var placed = [], labels = [];
    group.eachLayer(function (marker) {
      var node = marker.getElement();
      if (!node) return;
      node.classList.remove("label-clash");
      labels.push({ node: node, luas: marker.options.luas });
    });
    labels.sort(function (a, b) { return b.luas - a.luas; });
    labels.forEach(function (label) {
      var box = label.node.firstChild.getBoundingClientRect();
      if (!box.width) return;  // the pane is hidden (below the names' zoom)
      var clash = placed.some(function (o) {
        return box.left < o.right && o.left < box.right && box.top < o.bottom && o.top < box.bottom;
      });
      if (clash) label.node.classList.add("label-clash"); else placed.push(box);
    });
  }

  function outlineLayer(fc, weight) {
    return L.geoJSON(fc, { pane: "outlines", interactive: false,
      style: { color: "#252525", weight: weight, fill: false, opacity: 0.9 } });
  }

  /* Household points as vector tiles (roles that may see persons). Below point_min_zoom the
   * same URL answers with one aggregate per area (cluster = true): a circle sized by its
   * households, dark when most of them have no program. */
  function householdTileLayer(page, url, layerName) {
    var styles = {};
    styles[layerName] = function (props) {
      if (!props.cluster) return page.pointStyle(props);
      var n = Number(props[layerName === "enrolled" ? "covered" : "targets"]) || 0;
      var gapShare = (Number(props.gap) || 0) / Math.max(Number(props.targets) || 0, 1);
      return { radius: Math.min(28, 4 + Math.sqrt(n) / 6), weight: 1, color: "#ffffff",
        fill: true, fillOpacity: 0.75,
        fillColor: page.cfg.status_colors[gapShare > 0.5 ? "gap" : "one"] };
    };
    return L.vectorGrid.protobuf(url, {
      rendererFactory: L.canvas.tile, vectorTileLayerStyles: styles, interactive: false,
      maxNativeZoom: 18, pane: "points",
    });
  }

  window.SasaranLayers = { GroupedControl: GroupedControl, Basemaps: Basemaps,
    labelLayer: labelLayer, declutter: declutter, outlineLayer: outlineLayer,
    householdTileLayer: householdTileLayer };
})();
