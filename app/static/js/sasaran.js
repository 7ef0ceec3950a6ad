// Sasaran pages: shared browser helpers. Pages work without this file; it only enhances.
(function () {
  "use strict";
  const angka = new Intl.NumberFormat("id-ID");
  const persen = new Intl.NumberFormat("id-ID", { minimumFractionDigits: 1,
                                                  maximumFractionDigits: 1 });
  const Sasaran = {
    // 1877 -> "1.877"; a suppressed "<5" or a missing value passes through as text.
    angka(n) { return typeof n === "number" ? angka.format(n) : (n == null ? "–" : String(n)); },
    // 0.519 -> "51,9 %" (the same form as the server's geo.text.percent).
    persen(r) { return typeof r === "number" ? persen.format(r * 100) + " %" : "–"; },
    csrf() {
      const meta = document.querySelector('meta[name="csrf-token"]');
      return meta ? meta.content : "";
    },
  };
  window.Sasaran = Sasaran;
  // htmx requests carry the session's CSRF token, like the pages' plain forms do.
  document.addEventListener("htmx:configRequest", (event) => {
    event.detail.headers["X-CSRF-Token"] = Sasaran.csrf();
  });
})();
