/* Sasaran: planning panel for the map page (issue 6).
 *
 * SasaranRollout.attach(map, {parent: "64.74"}) adds a Leaflet control listing the priority
 * ranking and the stored rollout plans; choosing a plan draws its waves as a layer (coloured in
 * wave order, pilot outlined) and lists each wave's projection (planned vs actual).
 * On the map page, SasaranRollout.attach(page) puts the plan choice in the layer control's
 * "Rencana" group, the waves and ranking in the side panel, and the waves in the legend.
 * Text only through textContent (no HTML from data), so it stays safe under a strict CSP.
 */
(function () {
  "use strict";

  var API = "/api/v1/rollout";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function heading(text, size) {
    var node = el("div", "sasaran-rollout-heading", text);
    node.style.fontWeight = "bold";
    node.style.fontSize = size;
    node.style.margin = "6px 0 2px";
    return node;
  }

  // id-ID everywhere: "51,9 %", "Rp 147.500.000" (SasaranFormat when the page loads it).
  var one = new Intl.NumberFormat("id-ID", {minimumFractionDigits: 1, maximumFractionDigits: 1});

  function pct(value) {
    if (window.SasaranFormat) { return window.SasaranFormat.pct(value); }
    return value === null || value === undefined ? "-" : one.format(100 * value) + " %";
  }

  function rupiah(value) {
    return value === null || value === undefined ? "-" :
      "Rp " + Math.round(Number(value)).toLocaleString("id-ID");
  }

  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            var message = body && body.error ? body.error.message : response.statusText;
            throw new Error(message);
          }
          return body;
        });
      });
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (key) {
      if (params[key] !== null && params[key] !== undefined && params[key] !== "") {
        parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(params[key]));
      }
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  function Panel(map, options) {
    this.map = map;
    this.options = options || {};
    this.layer = null;
    this.root = el("div", "sasaran-rollout leaflet-bar");
    this.root.id = "sasaran-rollout";
    L.DomEvent.disableClickPropagation(this.root);
    L.DomEvent.disableScrollPropagation(this.root);
    this.root.appendChild(heading("Perencanaan perluasan", "14px"));
    this.status = el("p", "sasaran-rollout-status");
    this.planSelect = el("select", "sasaran-rollout-plans");
    this.planSelect.setAttribute("aria-label", "Rencana perluasan");
    this.waves = el("ol", "sasaran-rollout-waves");
    this.priorities = el("ol", "sasaran-rollout-priorities");
    this.root.appendChild(this.status);
    this.root.appendChild(heading("Rencana", "13px"));
    this.root.appendChild(this.planSelect);
    this.root.appendChild(this.waves);
    this.root.appendChild(heading("Prioritas (skor 0-100)", "13px"));
    this.root.appendChild(this.priorities);
    this.planSelect.addEventListener("change", this.showPlan.bind(this));
  }

  Panel.prototype.say = function (text) { this.status.textContent = text || ""; };

  Panel.prototype.loadPriorities = function () {
    var self = this;
    var o = this.options;
    return getJSON(API + "/priorities" + query({parent: o.parent, ref_date: o.ref_date,
                                                desil_max: o.desil_max}))
      .then(function (rows) {
        self.priorities.textContent = "";
        rows.slice(0, self.options.top || 10).forEach(function (row) {
          var item = el("li", null, row.nama + " — " + one.format(row.skor));
          item.title = row.komponen.map(function (c) {
            return c.nama + ": " + (c.nilai === null ? "-" : c.nilai) + " → " +
              one.format(c.kontribusi);
          }).join("\n");
          self.priorities.appendChild(item);
        });
      });
  };

  Panel.prototype.loadPlans = function () {
    var self = this;
    return getJSON(API + "/plans").then(function (plans) {
      self.planSelect.textContent = "";
      self.planSelect.appendChild(el("option", null, plans.length ? "— pilih rencana —" :
        "belum ada rencana"));
      self.planSelect.options[0].value = "";
      plans.forEach(function (plan) {
        var option = el("option", null, plan.nama);
        option.value = String(plan.id);
        self.planSelect.appendChild(option);
      });
    });
  };

  Panel.prototype.clearLayer = function () {
    if (this.layer) { this.map.removeLayer(this.layer); this.layer = null; }
  };

  Panel.prototype.showPlan = function () {
    var self = this;
    var id = this.planSelect.value;
    this.clearLayer();
    this.waves.textContent = "";
    if (this.options.legend) { this.options.legend.drawPlan("", []); }
    if (!id) { return Promise.resolve(); }
    this.say("Memuat rencana…");
    return Promise.all([
      getJSON(API + "/plans/" + id + "/geojson?simplify=0.0001"),
      getJSON(API + "/plans/" + id + "/projection" +
              query({actual_date: this.options.ref_date})),
    ]).then(function (results) {
      self.drawLayer(results[0]);
      self.listWaves(results[1]);
      self.say("");
      self.root.setAttribute("data-plan", id);
    }).catch(function (error) { self.say("Gagal memuat rencana: " + error.message); });
  };

  Panel.prototype.drawLayer = function (collection) {
    this.legendWaves(collection);
    this.layer = L.geoJSON(collection, {
      style: function (feature) {
        var p = feature.properties;
        return {fillColor: p.warna, fillOpacity: 0.6, color: p.garis, weight: p.tebal_garis};
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(p.nama + " — gelombang " + p.urutan + " (" + p.tahun + ")" +
          (p.percontohan ? ", percontohan" : ""));
      },
    }).addTo(this.map);
    this.layer.eachLayer(function (layer) {
      if (layer.feature.properties.percontohan) { layer.bringToFront(); }
    });
    if (collection.features.length) { this.map.fitBounds(this.layer.getBounds()); }
  };

  Panel.prototype.legendWaves = function (collection) {
    if (!this.options.legend) { return; }
    var seen = {}, waves = [];
    collection.features.forEach(function (f) {
      var p = f.properties;
      if (seen[p.urutan]) { return; }
      seen[p.urutan] = true;
      waves.push({urutan: p.urutan, warna: p.warna, label: "Gelombang " + p.urutan + " (" +
        p.tahun + ")" + (p.percontohan ? ", percontohan" : "")});
    });
    waves.sort(function (a, b) { return a.urutan - b.urutan; });
    var option = this.planSelect.options[this.planSelect.selectedIndex];
    this.options.legend.drawPlan(option ? option.textContent : "", waves);
  };

  Panel.prototype.listWaves = function (projection) {
    var self = this;
    projection.gelombang.forEach(function (wave) {
      var g = wave.gelombang;
      var item = el("li", wave.percontohan ? "pilot" : null);
      item.appendChild(el("strong", null, wave.tahun + (wave.percontohan ? " (percontohan)" : "")
        + ": " + wave.wilayah.map(function (a) { return a.nama || a.kode; }).join(", ")));
      item.appendChild(el("div", null, "dijangkau " + g.dijangkau + " RT, cakupan " +
        pct(g.cakupan_sebelum) + " → " + pct(g.cakupan_sesudah) + ", " + rupiah(g.anggaran)));
      item.appendChild(el("div", null, "kumulatif " + pct(wave.kumulatif.cakupan_sesudah) +
        "; aktual " + pct(wave.aktual.cakupan)));
      self.waves.appendChild(item);
    });
  };

  var Control = L.Control.extend({
    options: {position: "topright"},
    initialize: function (panel, options) { L.setOptions(this, options); this.panel = panel; },
    onAdd: function () { return this.panel.root; },
  });

  // Set through the CSSOM (not style attributes), which a strict CSP allows.
  function dress(root) {
    var s = root.style;
    s.background = "#fff";
    s.padding = "6px 10px";
    s.maxWidth = "320px";
    s.maxHeight = "45vh";
    s.overflowY = "auto";
    s.fontSize = "12px";
  }

  /* The map page: plan choice in the layer control's "Rencana" group, the rest in the panel. */
  function attachToPage(page) {
    var scope = page.state.kecamatan ? page.state.kecamatan.slice(0, 5) : null;
    // The page's date and desil threshold: the ranking is that of the figures on the map, and
    // a plan's "aktual" is its coverage on the map's date.
    var panel = new Panel(page.map, {parent: scope, legend: page.legend,
                                     ref_date: page.state.ref_date,
                                     desil_max: page.state.desil_max});
    panel.root.className = "sasaran-rollout";
    page.panel.planBox.appendChild(panel.root);
    page.control.group(page.t.group_plan).appendChild(panel.planSelect);
    return panel;
  }

  window.SasaranRollout = {
    /* ``target`` is a Leaflet map (a page of its own) or the map page (SasaranMap.Page);
     * ``options`` may be the map page's config: a static copy (``inline``) has no API, so no
     * panel; the page's kecamatan filter narrows the ranking to its kab/kota. */
    attach: function (target, options) {
      options = options || {};
      if (target && target.panel && target.map) {
        if (target.inline) { return null; }
        var onPage = attachToPage(target);
        // After the map is drawn: the ranking reads every household's expenditure (about a
        // second at 1 M households), which would otherwise slow the map's own figures.
        onPage.say("Memuat peringkat dan rencana…");
        onPage.ready = target.drawn.then(function () { return start(onPage); });
        window.SasaranRollout.panel = onPage;
        return onPage;
      }
      var map = target;
      if (options.inline) { return null; }
      if (options.state) {
        options = {parent: options.parent || (options.state.kecamatan || "").slice(0, 5) || null,
                   position: options.position, ref_date: options.state.ref_date,
                   desil_max: options.state.desil_max};
      }
      var panel = new Panel(map, options);
      dress(panel.root);
      new Control(panel, {position: (options && options.position) || "topright"}).addTo(map);
      panel.ready = start(panel);
      window.SasaranRollout.panel = panel;
      return panel;
    },
  };

  // ``/map?rencana=<id>`` (the Perencanaan page's link) opens with that plan drawn. Read when
  // the script loads: the map page rewrites its address to its own keys soon after.
  var ASKED_PLAN = new URLSearchParams(window.location.search).get("rencana");

  Panel.prototype.showAsked = function () {
    var wanted = Array.prototype.some.call(this.planSelect.options, function (option) {
      return option.value && option.value === ASKED_PLAN;
    });
    if (!wanted) { return null; }
    this.planSelect.value = ASKED_PLAN;
    return this.showPlan();
  };

  function start(panel) {
    return Promise.all([panel.loadPlans(), panel.loadPriorities()])
      .then(function () {
        panel.say("");
        panel.root.setAttribute("data-ready", "1");
        return panel.showAsked();
      })
      .catch(function (error) {
        panel.say("Panel perencanaan tidak dapat dimuat: " + error.message);
      });
  }
})();
