/* id-ID formatting for every map script (Intl, not by hand): 1.877, 51,9 %, Rp 147.500.000,
 * 30 Nov 2026; and the one DOM helper (text only through textContent, never innerHTML). */
(function () {
  "use strict";
  // Decimals per rate, the rule of geo/text/locale.py RATE_DECIMALS: P1 and P2 are small, two.
  var RATES = { coverage_rate: 1, overlap_share: 1, p0: 1, p1: 2, p2: 2 };
  var locale = "id-ID";
  var integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  var decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  var percents = {};  // one formatter per number of decimals RATES uses
  [1, 2].forEach(function (d) {
    percents[d] = new Intl.NumberFormat(locale, { minimumFractionDigits: d,
      maximumFractionDigits: d });
  });
  var day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric" });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function missing(v) { return v === null || v === undefined || v === ""; }

  function num(v) {
    if (missing(v)) return "–";
    if (typeof v === "string") return v;  // "<5": a hidden small count
    return Number.isInteger(v) ? integer.format(v) : decimal.format(v);
  }

  // "51,9 %": Indonesian writes a space before the percent sign (PUEBI, Babel's id_ID).
  function pct(v, decimals) {
    if (missing(v)) return "–";
    if (typeof v === "string") return v;
    return percents[decimals || 1].format(v * 100) + " %";
  }

  function value(v, figure) { return RATES[figure] ? pct(v, RATES[figure]) : num(v); }

  function rupiah(v) { return missing(v) ? "–" : "Rp " + integer.format(Math.round(Number(v))); }

  function date(iso) {
    if (!iso) return "–";
    var parts = String(iso).split("-").map(Number);
    return day.format(new Date(parts[0], parts[1] - 1, parts[2])).replace(/\./g, "");
  }

  // A legend swatch must show the colour as the map draws it: the fill at its opacity over
  // the white sheet the legend sits on.
  function blend(hex, opacity) {
    var n = parseInt(hex.slice(1), 16), a = opacity === undefined ? 1 : opacity;
    var rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(function (c) {
      return Math.round(c * a + 255 * (1 - a));
    });
    return "rgb(" + rgb.join(", ") + ")";
  }

  window.SasaranFormat = { el: el, num: num, pct: pct, value: value, rupiah: rupiah,
    date: date, blend: blend, isRate: function (f) { return !!RATES[f]; } };
})();
