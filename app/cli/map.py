"""``sasaran map --out FILE.html``: a self-contained copy of the map page to share.

Assets (Leaflet, plugins, page script and styles) and the kelurahan figures are inlined, so the
file opens from a USB stick without the app. Household points are never included, and small
counts are suppressed (``<5``): whoever receives the file may not be allowed to see persons.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path

import typer

from app.cli.base import cli, console, reference_date, settings, transaction
from geo.errors import InvalidInput

# The map modules pull in mapclassify/scipy (about 1 s): imported in the command, not at start-up
# of every other command.
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

_SCRIPT = re.compile(r'<script src="/static/([^"]+)"></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="/static/([^"]+)"/?>')
_CSS_URL = re.compile(r"url\((['\"]?)(?!data:|https?:|#)([^)'\"?#]+)[^)]*\1\)")
MAX_INLINE_BYTES = 100_000  # images inlined as data URIs; big webfonts are left out


def _asset(path: str) -> Path:
    file = STATIC_DIR / path
    if not file.is_file():
        raise InvalidInput(f"Aset peta {file} tidak ada; jalankan scripts/vendor_assets.sh.")
    return file


def _css_with_data_urls(file: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        target = (file.parent / match.group(2)).resolve()
        if not target.is_file() or target.stat().st_size > MAX_INLINE_BYTES:
            return match.group(0)
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return f"url(data:{mime};base64,{base64.b64encode(target.read_bytes()).decode()})"

    return _CSS_URL.sub(replace, file.read_text(encoding="utf-8"))


def inline_assets(html: str) -> str:
    """Replace the page's /static links by the files' contents (``</`` escaped in scripts)."""
    html = _SCRIPT.sub(lambda m: "<script>" + _asset(m.group(1)).read_text(encoding="utf-8")
                       .replace("</script", "<\\/script") + "</script>", html)
    return _STYLESHEET.sub(lambda m: "<style>" + _css_with_data_urls(_asset(m.group(1)))
                           + "</style>", html)


@cli.command("map")
def map_command(
    out: Path = typer.Option(..., "--out", help="Berkas HTML keluaran"),
    kecamatan: str = typer.Option(None, "--kecamatan", help="Kode kecamatan atau kab/kota"),
    ref_date: str = typer.Option(None, "--ref-date", help="Tanggal acuan YYYY-MM-DD"),
    desil_max: int = typer.Option(None, "--desil-max", min=1, max=10),
    program: str = typer.Option(None, "--program", help="Kode program"),
    agency: str = typer.Option(None, "--agency", help="Kode instansi"),
    figure: str = typer.Option("coverage_rate", "--figure",
                               help="coverage_rate, gap, targets, overlap_share, leakage, p0-p2"),
    scheme: str = typer.Option("quantiles", "--scheme",
                               help="quantiles, natural_breaks, equal_interval, pretty"),
    k: int = typer.Option(5, "--k", min=3, max=7, help="Jumlah kelas"),
    ramp: str = typer.Option("YlOrRd", "--ramp", help="YlOrRd, YlGnBu, Blues, viridis, cividis"),
    level: str = typer.Option("kelurahan", "--level", help="kelurahan atau kecamatan"),
    lang: str = typer.Option("id", "--lang", help="id atau en"),
    basemap: bool = typer.Option(False, "--basemap/--no-basemap",
                                 help="Sertakan peta dasar (permintaan ke luar)"),
) -> None:
    """Tulis salinan peta mandiri (angka wilayah saja, tanpa titik rumah tangga)."""
    from app.principal import PUBLIC
    from app.services.maps import (
        OUTLINE_TOLERANCE,
        POLYGON_TOLERANCE,
        Classing,
        MapFilter,
        area_figures,
        basemaps,
    )
    from app.services.wilayah import wilayah_geojson
    from geo.maps import MapConfig, render_page

    s = settings()
    ref = reference_date(ref_date)
    flt = MapFilter(ref, desil_max or s.default_desil_max, program, agency, kecamatan)
    classing = Classing(figure=figure, scheme=scheme, k=k, ramp=ramp, lang=lang)
    with transaction() as conn:
        inline = {lvl: wilayah_geojson(conn, lvl, kecamatan if lvl == "kelurahan" else None,
                                       OUTLINE_TOLERANCE.get(lvl, POLYGON_TOLERANCE))
                  for lvl in ("kelurahan", "kecamatan", "kabkota")}
        inline["figures"] = area_figures(conn, flt, classing, principal=PUBLIC,
                                         poverty_line=s.poverty_line, level=level)
    state = {"figure": figure, "scheme": scheme, "k": k, "ramp": ramp, "level": level,
             "ref_date": ref.isoformat(), "desil_max": flt.desil_max,
             "kecamatan": kecamatan or ""}
    page = {"urls": {}, "persons": False, "inline": inline, "state": state,
            "choices": {"kecamatan": [], "programs": [], "agencies": []}}
    config = MapConfig(lang=lang, basemaps=basemaps(s) if basemap else [], page=page)
    out.write_text(inline_assets(render_page(config)), encoding="utf-8")
    size_mb = out.stat().st_size / 1e6
    console.print(f"Peta ditulis ke {out} ({size_mb:.1f} MB, tanpa titik rumah tangga).")
