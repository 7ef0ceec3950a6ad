"""The caller's area scope, as the bound parameters every scoped statement takes.

Area codes are hierarchical (``64.74`` ⊃ ``64.74.03`` ⊃ ``64.74.03.1002``), so "in scope" is "the
code equals one of the areas or starts with it and a dot": 64.74 holds 64.74.03.1002, not
64.741. Each statement writes the same predicate over its own code column::

    (CAST(:area_patterns AS text[]) IS NULL
     OR (<code> ~>=~ CAST(:area_from AS text) AND <code> ~<~ CAST(:area_to AS text)
         AND <code> LIKE ANY (CAST(:area_patterns AS text[]))))
    AND (CAST(:area_kabs AS text[]) IS NULL OR <table>.kode_kabkota = ANY (...))

(the second part changes no result; it routes the statement to the kab/kota's shards on Citus,
``area_kabkota``).

The LIKE patterns decide (exact, wildcards in codes escaped so a code can never widen the
scope). The range [area_from, area_to) only holds every code in scope, so that an index can find
them: ``LIKE ANY`` alone cannot use one, and a click on one kelurahan scanned every household.
``~>=~``/``~<~`` compare bytes, whatever the database's collation (an en_US server ignores '.'
in a plain ``>=``, so a plain range would be wrong there); the ``text_pattern_ops`` indexes of
migration 0009 serve them, and serve ``=`` as well. With one area (the panel of one kelurahan,
one kecamatan) the range is exactly that subtree; with several it spans from the first to the
last and the patterns sift. ``area_patterns`` None means everywhere (an admin with no
``parent``); an empty list means nowhere (a ``parent`` outside the principal's areas).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.db.citus import KABKOTA_LENGTH

# The byte after '.': every code of area a's subtree (a, a.xxx) sorts in [a, a + AFTER_DOT).
AFTER_DOT = "/"


def area_scope(area_prefixes: Sequence[str] = (), parent: str | None = None,
               name: str = "area") -> dict[str, object]:
    """The parameters ``<name>_patterns``, ``<name>_from``, ``<name>_to`` and ``<name>_kabs``
    (``area_kabkota``) of the scope predicate for the areas under ``parent`` (None: anywhere)
    AND within ``area_prefixes`` (empty: everywhere)."""
    areas = scope_areas(area_prefixes, parent)
    patterns: list[str] | None = None
    start: str | None = None
    end: str | None = None
    if areas is not None:
        patterns = []
        for area in areas:
            escaped = like_escape(area)
            patterns += [escaped, escaped + ".%"]
        # Python orders str by code point, as UTF-8 bytes order (what ~<~ compares).
        start = min(areas, default="")
        end = max((area + AFTER_DOT for area in areas), default="")
    return {f"{name}_patterns": patterns, f"{name}_from": start, f"{name}_to": end,
            f"{name}_kabs": area_kabkota(area_prefixes, parent)}


def like_escape(value: str) -> str:
    """``value`` as a LIKE pattern matching itself only: ``\\``, ``%`` and ``_`` escaped (the
    default escape character), so a code or prefix from a request never acts as a wildcard."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def below_pattern(parent: str | None) -> str | None:
    """The LIKE pattern of every code strictly below ``parent`` (``64.74`` -> ``64.74.%``),
    None for no parent. Statements write ``(CAST(:parent_below AS text) IS NULL OR kode LIKE
    :parent_below)``; the code is escaped, so ``64.7_`` is below nothing loaded."""
    return None if not parent else like_escape(parent) + ".%"


def within(code: str, area: str) -> bool:
    """``code`` is ``area`` or lies below it (``64.74.03.1002`` within ``64.74``, not
    ``64.741``)."""
    return code == area or code.startswith(area + ".")


def scope_areas(area_prefixes: Sequence[str] = (),
                parent: str | None = None) -> list[str] | None:
    """The areas under ``parent`` AND within ``area_prefixes`` (None: everywhere). Two prefixes
    of the same code always nest, so the intersection is ``parent`` when it lies inside a
    prefix, else the prefixes that lie inside ``parent``."""
    prefixes = [p for p in area_prefixes if p]
    if not parent:
        return prefixes or None
    if not prefixes or any(within(parent, p) for p in prefixes):
        return [parent]
    return [p for p in prefixes if within(p, parent)]


def area_kabkota(area_prefixes: Sequence[str] = (),
                 parent: str | None = None) -> list[str] | None:
    """The kab/kota codes the same areas lie in, or None when they are not confined to some
    (everywhere, or a whole province). Implied by the patterns, so it changes no result; on
    Citus, whose distribution column is ``kode_kabkota``, a statement that also writes
    ``(CAST(:area_kabs AS text[]) IS NULL OR <table>.kode_kabkota = ANY (...))`` runs on those
    kab/kota's shards only."""
    areas = scope_areas(area_prefixes, parent)
    if areas is None or any(len(a) < KABKOTA_LENGTH for a in areas):
        return None
    return sorted({a[:KABKOTA_LENGTH] for a in areas})
