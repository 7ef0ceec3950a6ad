// Tabel cakupan: the server's table turned into a Tabulator table (sortable columns, the total
// row from the server in the footer, a click on a row drills down). Without this script the
// server's HTML table works on its own (sort links in the headers, names as links).
(function () {
  "use strict";
  const holder = document.getElementById("tabel-cakupan");
  const source = document.getElementById("data-tabel");
  if (!holder || !source || typeof Tabulator === "undefined" || !window.Sasaran) return;
  const data = JSON.parse(source.textContent);
  // A suppressed "<5" sorts between 0 and 5; a missing value below everything.
  const rank = (v) => (typeof v === "number" ? v : v === "<5" ? 2.5 : -1);
  const show = (kind) => (cell) =>
    kind === "rate" ? Sasaran.persen(cell.getValue()) : Sasaran.angka(cell.getValue());
  const columns = data.columns.map((c) => {
    if (c.kind === "text") {
      const column = { title: c.title, field: c.field, frozen: c.field === "kode",
                       bottomCalc: () => (c.field === "kode" ? "Jumlah" : "") };
      if (c.field === "nama" && data.drill) {
        column.formatter = "link";
        column.formatterParams = { url: (cell) => cell.getRow().getData()._link,
                                   labelField: "nama" };
      }
      return column;
    }
    return { title: c.title, field: c.field, hozAlign: "right", headerHozAlign: "right",
             sorter: (a, b) => rank(a) - rank(b), formatter: show(c.kind),
             bottomCalc: () => data.total[c.field], bottomCalcFormatter: show(c.kind) };
  });
  holder.replaceChildren();
  holder.classList.add("tabulator-siap");
  const table = new Tabulator(holder, {
    data: data.rows, columns: columns, layout: "fitDataStretch", height: false,
    columnHeaderVertAlign: "bottom", placeholder: "Tidak ada wilayah.",
  });
  // Tabulator sorts on a header click only: make each sortable header a keyboard control too
  // (Tab to it, Enter or Space sorts, as a click would; aria-sort says the current order).
  table.on("tableBuilt", () => {
    table.getColumns().forEach((column) => {
      const header = column.getElement();
      if (header.classList.contains("tabulator-sortable")) header.tabIndex = 0;
    });
  });
  holder.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const header = event.target.closest && event.target.closest(".tabulator-col.tabulator-sortable");
    if (!header) return;
    event.preventDefault();
    header.click();
  });
  table.on("rowClick", (event, row) => {
    const link = row.getData()._link;
    if (link && !(event.target instanceof HTMLAnchorElement)) window.location.href = link;
  });
  window.SasaranTabel = table;
})();
