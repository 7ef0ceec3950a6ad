/* Sasaran pages (Unggah data, Cek penerima, Perencanaan): tables marked data-tabulator become
 * sortable, filterable Tabulator tables. The server renders the plain table first, so the page
 * works without this file; numbers keep their id-ID text ("1.877", "51,9 %") and sort by value.
 */
(function () {
  "use strict";

  var NUMBER = {thousandSeparator: ".", decimalSeparator: ",", alignEmptyValues: "bottom"};

  function columns(table) {
    return Array.prototype.map.call(table.querySelectorAll("thead th"), function (th, i) {
      var numeric = th.classList.contains("n");
      // A field of its own: a title such as "NIK/No. KK" would read as a nested path.
      var column = {title: th.textContent.trim(), field: "kolom" + i, formatter: "html",
                    headerSortTristate: true, headerWordWrap: true, maxInitialWidth: 320};
      if (th.classList.contains("beku")) { column.frozen = true; }  // stays while scrolling
      if (numeric) {
        column.sorter = "number";
        column.sorterParams = NUMBER;
        column.hozAlign = "right";
        column.minWidth = 56;
      } else {
        column.headerFilter = "input";
        column.headerFilterPlaceholder = "saring…";
        // The filter box's only text is its placeholder: give it a name a screen reader says.
        column.headerFilterParams = {elementAttributes: {"aria-label": "Saring kolom " + column.title}};
      }
      return column;
    });
  }

  function enhance(root) {
    if (typeof window.Tabulator !== "function") { return; }
    (root || document).querySelectorAll("table[data-tabulator]").forEach(function (table) {
      var rows = table.querySelectorAll("tbody tr").length;
      if (rows < 2) { return; }
      new window.Tabulator(table, {
        columns: columns(table),
        layout: "fitData",  // wide tables scroll sideways inside the table, never the page
        pagination: rows > 50,
        paginationSize: 50,
        locale: "id",
        langs: {id: {pagination: {first: "Awal", last: "Akhir", prev: "Sebelumnya",
                                  next: "Berikutnya", page_size: "Baris"},
                     headerFilters: {default: "saring…"}}},
      });
    });
  }

  // htmx's settle step copies an old element's attributes onto its new twin with setAttribute;
  // for "style" (Tabulator sets it on the tables it draws) the CSP, style-src 'self', refuses
  // that. Classes and sizes are all the settle step needs here.
  if (window.htmx) { window.htmx.config.attributesToSettle = ["class", "width", "height"]; }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  // Perencanaan redraws its ranking with htmx when a weight or filter changes.
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target); });
})();
