/* Sasaran Perencanaan: the small map of a pilot cluster or a plan's waves, drawn with the
 * vendored Leaflet and no basemap (it must work on a closed network). Boundaries come from
 * /api/v1/wilayah (GeoJSON), a plan's waves from /api/v1/rollout/plans/{id}/geojson, styled by
 * the colours the server gives (wave order, pilot outline). Names only via textContent.
 */
(function () {
  "use strict";

  var BASE = {color: "#8a94a3", weight: 1, fillColor: "#e8ecf1", fillOpacity: 0.6};

  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function tooltip(layer, feature) {
    var name = (feature.properties && feature.properties.nama) || "";
    var wave = feature.properties && feature.properties.urutan;
    var text = wave ? name + " · gelombang " + wave : name;
    var node = document.createElement("span");
    node.textContent = text;
    layer.bindTooltip(node, {sticky: true});
  }

  function draw(element) {
    var map = L.map(element, {zoomControl: true, attributionControl: false, scrollWheelZoom: false});
    var chosen = JSON.parse(element.getAttribute("data-pilih") || "[]");
    var outline = element.getAttribute("data-garis") || "#d7301f";
    var planUrl = element.getAttribute("data-rencana");
    var state = {map: map, base: null, layer: null};
    window.SasaranRencana = state;
    getJSON(element.getAttribute("data-batas")).then(function (boundaries) {
      state.base = L.geoJSON(boundaries, {
        style: function (f) {
          var picked = chosen.indexOf(f.properties.kode) >= 0;
          return picked ? {color: outline, weight: 3, fillColor: "#fcbba1", fillOpacity: 0.8}
                        : BASE;
        },
        onEachFeature: function (f, layer) { tooltip(layer, f); }
      }).addTo(map);
      var focus = state.base.getLayers().filter(function (l) {
        return chosen.indexOf(l.feature.properties.kode) >= 0;
      });
      map.fitBounds(focus.length ? L.featureGroup(focus).getBounds().pad(0.6)
                                 : state.base.getBounds());
      if (!planUrl) { element.setAttribute("data-ready", "1"); return null; }
      return getJSON(planUrl).then(function (plan) {
        state.layer = L.geoJSON(plan, {
          style: function (f) {
            return {color: f.properties.garis, weight: f.properties.tebal_garis,
                    fillColor: f.properties.warna, fillOpacity: 0.75};
          },
          onEachFeature: function (f, layer) { tooltip(layer, f); }
        }).addTo(map);
        if (state.layer.getLayers().length) {
          map.fitBounds(state.layer.getBounds().pad(0.4));
        }
        element.setAttribute("data-ready", "1");
      });
    }).catch(function (error) {
      var note = document.createElement("p");
      note.className = "galat-isian";
      note.textContent = "Peta tidak dapat dimuat (" + error.message + ").";
      element.parentNode.insertBefore(note, element.nextSibling);
      element.setAttribute("data-ready", "gagal");
    });
  }

  // The legend's colours, set through the CSSOM (no style attributes under the CSP).
  function paintLegend() {
    document.querySelectorAll(".legenda .contoh").forEach(function (swatch) {
      if (swatch.dataset.warna) { swatch.style.background = swatch.dataset.warna; }
      if (swatch.dataset.garis) { swatch.style.borderColor = swatch.dataset.garis; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    paintLegend();
    var element = document.getElementById("peta-kecil");
    if (element && window.L) { draw(element); }
  });
})();
