"""Publications kept between requests (``geo.coverage.publication.published``): the pattern is
a function of the figures, so a kept one must be exactly what would be built again, and any
changed figure, tier or earlier tier must give a fresh one."""

from __future__ import annotations

import random

from geo.coverage import publication
from geo.coverage.measures import measures
from geo.coverage.publication import Figures, Publication, published

PROGRAMS = {"PKH": "DINSOS", "ZAKAT": "BAZNAS"}
KELURAHAN = ("64.74.01.1001", "64.74.01.1002", "64.74.02.1001", "64.71.01.1001")


def figures(seed: int) -> Figures:
    """The kelurahan figures of a few random households each (many counts 1-4, so the pattern
    hides cells), counted by the domain rules."""
    rng = random.Random(seed)
    leaves = {}
    for kode in KELURAHAN:
        values = dict.fromkeys(("targets", "covered", "gap", "overlap", "overlap_agency",
                                "leakage", "leakage_households"), 0)
        for _ in range(rng.randint(2, 25)):
            target = rng.random() < 0.7
            held = {p for p in PROGRAMS if rng.random() < 0.4}
            if target:
                values["targets"] += 1
                values["covered"] += bool(held)
                values["gap"] += not held
                values["overlap"] += len(held) >= 2
                values["overlap_agency"] += len({PROGRAMS[p] for p in held}) >= 2
            else:
                values["leakage"] += len(held)
                values["leakage_households"] += bool(held)
        leaves[kode] = {m: values[m[0]] for m in measures([], [], 0)}
    return Figures(leaves, PROGRAMS)


def labels(pub: Publication) -> dict:
    return {key: pub.label(*key) for key in pub.cells}


def test_the_same_figures_give_the_kept_publication_with_the_labels_of_a_fresh_one():
    first = published(figures(1), 0)
    again = published(figures(1), 0)  # equal figures, other objects: as the next request
    assert again is first
    fresh = Publication(figures(1), 0)
    assert labels(again) == labels(fresh)
    assert any(label is not None for label in labels(fresh).values())  # something is hidden


def test_one_changed_figure_gives_a_fresh_publication():
    base = published(figures(2), 0)
    changed = figures(2)
    kode = KELURAHAN[0]
    for measure in changed.leaves[kode]:
        if measure[0] in ("leakage", "leakage_households"):
            changed.leaves[kode][measure] += 1  # type: ignore[index]
    other = published(changed, 0)
    assert other is not base
    assert labels(other) == labels(Publication(changed, 0))
    assert other.value(("leakage", None), kode) == base.value(("leakage", None), kode) + 1


def test_a_publication_is_kept_with_its_earlier_tier_and_the_oldest_goes_first():
    zero = published(figures(3), 0)
    # The same figures and tier over an earlier publication (its cells frozen) are another
    # publication, kept as such.
    over = published(figures(3), 0, zero)
    assert over is not zero
    assert published(figures(3), 0, zero) is over
    assert published(figures(3), 0) is zero
    # Over a publication built without ``published`` (no key of its own): built, not kept.
    loose = Publication(figures(3), 0)
    assert published(figures(3), 0, loose) is not published(figures(3), 0, loose)
    oldest = published(figures(4), 0)
    for seed in range(100, 100 + publication._KEPT_MAX):
        published(figures(seed), 0)
    assert published(figures(4), 0) is not oldest
    assert len(publication._KEPT) == publication._KEPT_MAX
