"""The map page builder and the choropleth classification (pure, no database)."""

from __future__ import annotations

import math
import re

import pytest

from geo.errors import InvalidInput
from geo.maps import MapConfig, figure_value, legend_json, panel_summary, render_page
from geo.maps.classes import NO_DATA_COLOR, SUPPRESSED_COLOR, classify, ramp_colors
from geo.maps.i18n import TEXTS


def _counts(values, bounds):
    """Class counts by hand: each value falls in the first class whose upper bound holds it."""
    counts = [0] * len(bounds)
    for v in values:
        counts[next(i for i, b in enumerate(bounds) if v <= b)] += 1
    return counts


def test_quantiles_split_ten_values_into_five_classes_of_two():
    values = {f"k{i}": float(i) for i in range(1, 11)}
    cls = classify(values, "quantiles", 5)
    # Linear-interpolated percentiles of 1..10 at 20, 40, 60, 80, 100 %.
    expected_bounds = [1 + (10 - 1) * q for q in (0.2, 0.4, 0.6, 0.8, 1.0)]
    assert [c.upper for c in cls.classes] == pytest.approx(expected_bounds)
    assert [c.count for c in cls.classes] == _counts(values.values(), expected_bounds)
    assert [c.count for c in cls.classes] == [2, 2, 2, 2, 2]
    assert [c.color for c in cls.classes] == ramp_colors("YlOrRd", 5)
    assert cls.class_of["k1"] == 0 and cls.class_of["k10"] == 4


def test_equal_interval_uses_equal_widths_over_the_range():
    values = {f"k{i}": float(v) for i, v in enumerate(range(0, 101, 10))}
    cls = classify(values, "equal_interval", 5)
    expected_bounds = [20.0, 40.0, 60.0, 80.0, 100.0]
    assert [c.upper for c in cls.classes] == pytest.approx(expected_bounds)
    assert [c.count for c in cls.classes] == _counts(values.values(), expected_bounds)
    assert cls.classes[0].lower == 0.0


def test_natural_breaks_find_separated_clusters():
    raw = [1, 1, 2, 10, 11, 12, 50, 51, 52]
    cls = classify({f"k{i}": float(v) for i, v in enumerate(raw)}, "natural_breaks", 3)
    assert [c.upper for c in cls.classes] == [2.0, 12.0, 52.0]
    assert [c.count for c in cls.classes] == [3, 3, 3]


def test_missing_values_get_their_own_no_data_class():
    cls = classify({"a": 0.1, "b": None, "c": math.nan, "d": 0.5, "e": 0.9}, "quantiles", 3)
    assert cls.no_data_count == 2
    assert cls.class_of["b"] is None and cls.class_of["c"] is None
    assert cls.colors["b"] == NO_DATA_COLOR
    assert sum(c.count for c in cls.classes) == 3


def test_fewer_distinct_values_than_classes_gives_one_class_per_value():
    cls = classify({"a": 5.0, "b": 5.0, "c": 7.0}, "quantiles", 5)
    assert [(c.upper, c.count) for c in cls.classes] == [(5.0, 2), (7.0, 1)]


def test_everything_missing_leaves_only_the_no_data_class():
    cls = classify({"a": None, "b": None}, "natural_breaks", 5)
    assert cls.classes == [] and cls.no_data_count == 2


def test_unknown_scheme_or_class_count_is_refused_in_indonesian():
    with pytest.raises(InvalidInput, match="tidak dikenal"):
        classify({"a": 1.0}, "jenks_caspall", 5)
    with pytest.raises(InvalidInput, match="Jumlah kelas"):
        classify({"a": 1.0}, "quantiles", 12)
    with pytest.raises(InvalidInput, match="Palet warna"):
        classify({"a": 1.0}, "quantiles", 5, ramp="rainbow")


def test_counts_get_whole_number_bounds_written_from_each_class_s_smallest_member():
    values = {f"k{i}": v for i, v in enumerate([3, 10, 12, 57, 58, 62, 70, 81, 90, 100])}
    cls = classify(values, "quantiles", 5, integer=True)
    # By hand: quantile breaks of the ten values, floored (values are whole numbers).
    data = sorted(values.values())
    breaks = [data[0] + 0.0]
    for q in (0.2, 0.4, 0.6, 0.8):
        pos = q * (len(data) - 1)
        lo = data[int(pos)]
        breaks.append(math.floor(lo + (data[int(pos) + 1] - lo) * (pos - int(pos))))
    expected_upper = [*breaks[1:], 100]
    assert [c.upper for c in cls.classes] == expected_upper
    for c in cls.classes:
        members = [v for k, v in values.items() if cls.class_of[k] == cls.classes.index(c)]
        assert c.lower == min(members) and all(float(c.lower).is_integer() for _ in [0])
        assert all(c.lower <= v <= c.upper for v in members)


def test_pretty_breaks_are_round_numbers_and_at_most_k_classes():
    values = {str(v): v for v in range(3, 98)}
    cls = classify(values, "pretty", 5, integer=True)
    assert [c.upper for c in cls.classes] == [20, 40, 60, 80, 97]
    assert [c.lower for c in cls.classes] == [3, 21, 41, 61, 81]
    assert [c.count for c in cls.classes] == [18, 20, 20, 20, 17]
    rates = classify({"a": 0.12, "b": 0.31, "c": 0.47, "d": 0.5, "e": 0.88, "f": 0.95},
                     "pretty", 4)
    assert [c.upper for c in rates.classes] == pytest.approx([0.25, 0.5, 0.75, 0.95])
    assert [c.count for c in rates.classes] == [1, 3, 0, 2]


def test_hidden_small_counts_get_their_own_class_and_never_shape_a_bound():
    shown = {"a": 10, "b": 20, "c": 30, "d": 40}
    with_hidden = {**shown, "e": "<5", "f": "<5", "g": None}
    cls = classify(with_hidden, "equal_interval", 3, integer=True)
    assert cls.suppressed_count == 2 and cls.no_data_count == 1
    assert cls.colors["e"] == SUPPRESSED_COLOR and cls.colors["g"] == NO_DATA_COLOR
    assert [c.upper for c in cls.classes] == [c.upper for c in classify(
        shown, "equal_interval", 3, integer=True).classes]
    legend = legend_json(cls, "id")
    assert [e.get("label") for e in legend["entries"][-2:]] == [
        "<5 (angka kecil disamarkan)", "Tidak ada data"]
    assert legend["opacity"] == 0.75


def test_every_ramp_runs_light_to_dark():
    def luminance(hex_color):
        r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for ramp in ("YlOrRd", "YlGnBu", "Blues", "viridis", "cividis"):
        colors = ramp_colors(ramp, 7)
        assert len(set(colors)) == 7
        assert luminance(colors[0]) > luminance(colors[-1]), ramp


def test_legend_lists_class_counts_and_no_data_in_the_chosen_language():
    cls = classify({"a": 1.0, "b": 2.0, "c": 3.0, "d": None}, "equal_interval", 3)
    legend_id = legend_json(cls, "id")
    assert [e["count"] for e in legend_id["entries"]] == [1, 1, 1, 1]
    assert legend_id["entries"][-1] == {"label": "Tidak ada data", "color": NO_DATA_COLOR,
                                        "count": 1, "no_data": True}
    assert legend_id["scheme_label"] == "Interval sama"
    legend_en = legend_json(cls, "en")
    assert legend_en["entries"][-1]["label"] == "No data"
    assert legend_en["scheme_label"] == "Equal interval"


def test_overlap_share_is_overlap_over_targets_and_undefined_without_targets():
    assert figure_value({"targets": 8, "overlap": 2}, "overlap_share") == 0.25
    assert figure_value({"targets": 0, "overlap": 0}, "overlap_share") is None
    assert figure_value({"coverage_rate": None}, "coverage_rate") is None
    # A rate built on a hidden count is hidden too ("<5" class), not "no data".
    assert figure_value({"targets": "<5", "overlap": 0}, "overlap_share") == "<5"
    assert figure_value({"targets": 9, "covered": "<5", "coverage_rate": None},
                        "coverage_rate") == "<5"


def test_panel_totals_and_the_ten_kelurahan_with_most_gaps():
    rows = [{"kode": f"64.74.01.{1000 + i}", "nama": f"Kel {i}", "targets": 10 + i,
             "covered": i, "overlap": i // 2, "overlap_agency": 0, "gap": 10, "leakage": 1}
            for i in range(12)]
    rows[3]["gap"] = 40
    rows[7]["gap"] = 0
    summary = panel_summary(rows)
    targets = sum(r["targets"] for r in rows)
    covered = sum(r["covered"] for r in rows)
    assert summary["totals"]["targets"] == targets
    assert summary["totals"]["coverage_rate"] == pytest.approx(covered / targets)
    top = summary["top_gaps"]
    assert len(top) == 10
    assert top[0]["nama"] == "Kel 3"
    # Ties broken by code; the kelurahan without gaps never appears.
    assert [t["kode"] for t in top[1:]] == sorted(
        r["kode"] for r in rows if r["gap"] == 10)[:9]
    assert "Kel 7" not in [t["nama"] for t in top]


def test_page_loads_only_local_assets_and_no_household_points():
    html = render_page(MapConfig(basemaps=[], page={"urls": {"tiles": "/tiles/x"}}))
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page links its assets"
    assert all(s.startswith("/static/") or s == "data:," for s in sources), sources
    assert "/static/vendor/leaflet/leaflet.js" in sources
    assert "/static/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js" in sources
    assert "https://" not in html and "http://" not in html
    assert "<title>Peta cakupan program per kelurahan</title>" in html
    assert "L.tileLayer" not in html


def test_page_in_english_and_with_a_configured_basemap():
    html = render_page(MapConfig(lang="en", basemaps=[
        {"id": "osm", "name": "OSM", "url": "https://tiles.example.id/{z}/{x}/{y}.png",
         "attribution": "Pemda"}], page={}))
    assert f"<title>{TEXTS['en']['title']}</title>" in html
    assert "https://tiles.example.id/{z}/{x}/{y}.png" in html
    assert '"no_data": "No data"' in html


def test_a_kelurahan_name_cannot_close_the_page_script():
    html = render_page(MapConfig(page={"choices": {"nama": "</script><b>x"}}))
    assert "</script><b>x" not in html
