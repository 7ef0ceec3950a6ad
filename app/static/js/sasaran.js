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
  // On a phone the navigation scrolls sideways: bring the current page's entry into view.
  const current = document.querySelector('.nav-utama a[aria-current="page"]');
  if (current) current.scrollIntoView({ block: "nearest", inline: "center" });
  // htmx requests carry the session's CSRF token, like the pages' plain forms do.
  document.addEventListener("htmx:configRequest", (event) => {
    event.detail.headers["X-CSRF-Token"] = Sasaran.csrf();
  });
  // htmx swaps nothing on an error answer: say what failed, in the words of the server's error
  // page (its heading and message), in an alert above the page's content.
  const alertBox = () => {
    let box = document.getElementById("galat-htmx");
    if (!box) {
      box = document.createElement("div");
      box.id = "galat-htmx";
      box.className = "pesan pesan-galat";
      box.setAttribute("role", "alert");
      const main = document.getElementById("isi");
      main.parentNode.insertBefore(box, main);
    }
    return box;
  };
  document.addEventListener("htmx:responseError", (event) => {
    const page = new DOMParser().parseFromString(event.detail.xhr.responseText || "",
                                                 "text/html");
    const title = page.querySelector("main h1");
    const message = page.querySelector("main p");
    alertBox().textContent = [title && title.textContent.trim(),
                              message && message.textContent.trim()].filter(Boolean).join(": ")
      || "Permintaan gagal (HTTP " + event.detail.xhr.status + "). Muat ulang halaman.";
  });
  document.addEventListener("htmx:sendError", () => {
    alertBox().textContent = "Server Sasaran tidak dapat dihubungi; periksa sambungan lalu coba lagi.";
  });
})();
