"""The caller's area scope, as the LIKE patterns every scoped statement takes.

Area codes are hierarchical (``64.74`` ⊃ ``64.74.03`` ⊃ ``64.74.03.1002``), so "in scope" is "the
code equals one of the areas or starts with it and a dot": 64.74 holds 64.74.03.1002, not
64.741. Each statement writes the same one-line predicate over its own code column::

    (CAST(:area_patterns AS text[]) IS NULL OR <code> LIKE ANY (CAST(:area_patterns AS text[])))

``area_patterns`` builds the patterns: None means everywhere (an admin with no ``parent``), an
empty list means nowhere (a ``parent`` outside the principal's areas). LIKE wildcards in codes
are escaped, so a code can never widen the scope.
"""

from __future__ import annotations

from collections.abc import Sequence


def area_patterns(area_prefixes: Sequence[str] = (),
                  parent: str | None = None) -> list[str] | None:
    """Patterns for the areas under ``parent`` (None: anywhere) AND within ``area_prefixes``
    (empty: everywhere). Two prefixes of the same code always nest, so the intersection is
    ``parent`` when it lies inside a prefix, else the prefixes that lie inside ``parent``."""
    prefixes = [p for p in area_prefixes if p]
    if not parent:
        areas = prefixes
        if not areas:
            return None
    elif not prefixes or any(_within(parent, p) for p in prefixes):
        areas = [parent]
    else:
        areas = [p for p in prefixes if _within(p, parent)]
    patterns: list[str] = []
    for area in areas:
        escaped = area.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        patterns += [escaped, escaped + ".%"]
    return patterns


def _within(code: str, area: str) -> bool:
    return code == area or code.startswith(area + ".")
