"""The caller's area scope as LIKE patterns (app.services.scope), and that a pattern behaves in
PostgreSQL exactly as the hierarchy of codes says."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.services.scope import area_patterns


def test_no_parent_and_no_prefixes_is_everywhere():
    assert area_patterns((), None) is None


def test_prefixes_alone_and_parent_alone_give_each_code_and_its_subtree():
    assert area_patterns(("64.74.01", "64.71")) == ["64.74.01", "64.74.01.%", "64.71", "64.71.%"]
    assert area_patterns((), "64.74") == ["64.74", "64.74.%"]


def test_parent_inside_a_prefix_narrows_to_the_parent():
    assert area_patterns(("64.74",), "64.74.03") == ["64.74.03", "64.74.03.%"]
    assert area_patterns(("64.74.03",), "64.74.03") == ["64.74.03", "64.74.03.%"]


def test_prefixes_inside_the_parent_are_kept_and_others_dropped():
    assert area_patterns(("64.74.01", "64.74.03", "64.71.02"), "64.74") == [
        "64.74.01", "64.74.01.%", "64.74.03", "64.74.03.%"]


def test_a_parent_outside_every_prefix_is_nowhere():
    assert area_patterns(("64.74.01",), "64.74.02") == []
    assert area_patterns(("64.74",), "64.741") == []  # a sibling code, not a child


def test_like_wildcards_in_a_code_are_escaped():
    assert area_patterns((), "64.7_") == ["64.7\\_", "64.7\\_.%"]
    assert area_patterns(("6%",)) == ["6\\%", "6\\%.%"]


@pytest.mark.parametrize(("code", "inside"), [
    ("64.74", True), ("64.74.03", True), ("64.74.03.1002", True), ("64.741", False),
    ("64.741.01", False), ("64.7", False), ("64.71.01", False), ("64_74.01", False),
])
def test_patterns_match_a_code_and_its_descendants_only(conn, code, inside):
    patterns = area_patterns((), "64.74")
    got = conn.execute(text("SELECT CAST(:code AS text) LIKE ANY (CAST(:p AS text[]))"),
                       {"code": code, "p": patterns}).scalar_one()
    assert got is inside


def test_an_escaped_wildcard_matches_only_itself(conn):
    patterns = area_patterns((), "64.7_")
    hits = [c for c in ("64.74", "64.7_", "64.7_.01", "64.70.01")
            if conn.execute(text("SELECT CAST(:c AS text) LIKE ANY (CAST(:p AS text[]))"),
                            {"c": c, "p": patterns}).scalar_one()]
    assert hits == ["64.7_", "64.7_.01"]
