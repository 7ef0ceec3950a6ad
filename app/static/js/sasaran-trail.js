/* The map's title bar with the drill-down trail (kab/kota > kecamatan > kelurahan, each step a
 * link back up), and the page state written into the URL so a view can be shared. */
(function () {
  "use strict";
  var F = window.SasaranFormat, el = F.el, Page = window.SasaranMap.Page;
  var query = window.SasaranMap.query, URL_KEYS = window.SasaranMap.URL_KEYS;

  Page.prototype.areaName = function (code) {
    var found = (this.cfg.choices.kecamatan || []).filter(function (a) { return a.kode === code; })[0];
    if (found) return found.nama;
    var feature = (this.geo.kelurahan.features.concat(this.geo.kecamatan.features,
      this.geo.kabkota.features)).filter(function (f) { return f.properties.kode === code; })[0];
    return feature ? feature.properties.nama : code;
  };

  /* The trail kab/kota > kecamatan > kelurahan; each step up is a link back. Steps that are the
   * user's own bounded area (or above it) are left out: the trail's root already names it. */
  Page.prototype.trail = function () {
    var codes = [], pick = this.state.pilih || this.state.kecamatan || "";
    var own = (this.cfg.scope && this.cfg.scope.codes) || [];
    [5, 8, 13].forEach(function (n) {
      var code = pick.slice(0, n);
      var mine = own.some(function (p) { return p === code || p.indexOf(code + ".") === 0; });
      if (pick.length >= n && !mine) codes.push(code);
    });
    return codes;
  };

  Page.prototype.drawTitle = function () {
    var self = this, t = this.t, s = this.state, bar = this.titleBar;
    bar.textContent = "";
    var crumbs = el("nav", "breadcrumb-trail");
    crumbs.setAttribute("aria-label", "breadcrumb");
    var bounded = this.cfg.scope && this.cfg.scope.codes.length;
    var root = bounded ? this.cfg.scope.name : t.breadcrumb_root;
    var items = [{ code: "", name: root }].concat(this.trail().map(function (c) {
      return { code: c, name: self.areaName(c) };
    }));
    items.forEach(function (item, i) {
      if (i) crumbs.appendChild(el("span", "crumb-sep", "›"));
      var last = i === items.length - 1;
      var node = el(last ? "span" : "button", "crumb", item.name);
      if (!last) {
        node.type = "button";
        node.addEventListener("click", function () { self.drill(item.code); });
      }
      crumbs.appendChild(node);
    });
    bar.appendChild(el("div", "title-figure", t[s.figure]));
    bar.appendChild(crumbs);
    bar.appendChild(el("div", "title-meta", t.date + " " + F.date(s.ref_date) + " · " +
      t.threshold + " " + s.desil_max));
    // A filtered map counts one program's or agency's households only: its title (and so the
    // PNG and the report made of it) says which, also on a phone, where the date line hides.
    var filters = this.filterNames();
    if (filters.length) bar.appendChild(el("div", "title-filter", filters.join(" · ")));
  };

  Page.prototype.filterNames = function () {
    var s = this.state, t = this.t, choices = this.cfg.choices || {}, out = [];
    function named(list, code) {
      var found = (list || []).filter(function (c) { return c.kode === code; })[0];
      return found ? found.nama + " (" + code + ")" : code;
    }
    if (s.program) out.push(t.program + ": " + named(choices.programs, s.program));
    if (s.agency) out.push(t.agency + ": " + named(choices.agencies, s.agency));
    return out;
  };

  Page.prototype.saveState = function () {
    if (this.inline || !this.layers.choropleth) return;
    var s = this.state, c = this.map.getCenter(), self = this;
    s.z = this.map.getZoom();
    s.lat = c.lat.toFixed(5);
    s.lng = c.lng.toFixed(5);
    s.basemap = this.basemaps && this.basemaps.current || s.basemap;
    s.lapisan = Object.keys(this.layers).filter(function (id) {
      return self.map.hasLayer(self.layers[id]);
    }).join(",");
    window.history.replaceState(null, "", window.location.pathname + "?" + query(s, URL_KEYS));
  };
})();
