"""The map page builder and the choropleth classification (pure, no database)."""

from __future__ import annotations

import math
import re

import pytest

from geo.errors import InvalidInput
from geo.maps import MapConfig, figure_value, legend_json, panel_summary, render_page
from geo.maps.classes import NO_DATA_COLOR, YLORRD, classify
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
    assert [c.color for c in cls.classes] == YLORRD[5]
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
    html = render_page(MapConfig(tile_url=None, page={"urls": {"tiles": "/tiles/x"}}))
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page links its assets"
    assert all(s.startswith("/static/") or s == "data:," for s in sources), sources
    assert "/static/vendor/leaflet/leaflet.js" in sources
    assert "/static/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js" in sources
    assert "https://" not in html and "http://" not in html
    assert "<title>Peta cakupan program per kelurahan</title>" in html
    assert "L.tileLayer" not in html


def test_page_in_english_and_with_a_configured_basemap():
    html = render_page(MapConfig(lang="en", tile_url="https://tiles.example.id/{z}/{x}/{y}.png",
                                 tile_attribution="Pemda", page={}))
    assert f"<title>{TEXTS['en']['title']}</title>" in html
    assert "https://tiles.example.id/{z}/{x}/{y}.png" in html
    assert '"no_data": "No data"' in html


def test_a_kelurahan_name_cannot_close_the_page_script():
    html = render_page(MapConfig(page={"choices": {"nama": "</script><b>x"}}))
    assert "</script><b>x" not in html
