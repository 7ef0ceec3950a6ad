"""FGT indices of tiny areas are withheld from roles that may not see persons, and say why.

The review's case: one household with expenditure in a kelurahan, P1 = 0.0939 at the line
441,448 gives its expenditure (Rp 400,000) back. Rule (docs/security.md): P0/P1/P2 are None
for such roles when the area has fewer than 5 households with expenditure, or 1-4 poor ones;
a parent area is withheld too when it alone would give a withheld child back.
"""

from __future__ import annotations

import pytest
from coverage_fixture import H, insert_households

LINE = 441_448.0
ONE = "64.74.01.1001"       # one household with expenditure: the review's case
FOUR = "64.74.01.1002"      # four households with expenditure, two of them poor
FIVE_RICH = "64.74.02.1001"  # five households, none poor
FIVE_POOR = "64.74.02.1002"  # five households, five poor
SPENDING = {ONE: [400_000.0], FOUR: [300_000.0, 350_000.0, 500_000.0, 600_000.0],
            FIVE_RICH: [500_000.0, 600_000.0, 700_000.0, 800_000.0, 900_000.0],
            FIVE_POOR: [100_000.0, 150_000.0, 200_000.0, 250_000.0, 300_000.0]}


@pytest.fixture
def city(conn):
    households, i = [], 0
    for kel, amounts in SPENDING.items():
        for y in amounts:
            i += 1
            households.append(H(f"F{i:03d}", kel, 2, "terverifikasi", 1, y,
                                f"{kel[:8].replace('.', '')}1501{80:02d}{i:04d}",
                                f"{kel[:8].replace('.', '')}0101{i:06d}"))
    insert_households(conn, households)


def poverty(client, level="kelurahan"):
    response = client.get("/api/v1/poverty", params={"line": LINE, "level": level})
    assert response.status_code == 200, response.text
    return {r["kode"]: r for r in response.json()}


def test_the_review_case_gives_the_expenditure_back_to_an_analyst_only(client, client_as, city):
    full = poverty(client)[ONE]
    assert full["p1"] == pytest.approx((LINE - 400_000) / LINE)  # 0.0939: y = Rp 400,000
    shown = poverty(client_as("viewer"))[ONE]
    assert (shown["p0"], shown["p1"], shown["p2"]) == (None, None, None)
    assert "kurang dari 5" in shown["fgt_catatan"]


def test_five_households_are_shown_four_are_not(client_as, city):
    rows = poverty(client_as("viewer"))
    assert rows[FOUR]["p1"] is None                      # 4 with expenditure
    assert rows[FIVE_RICH]["p0"] == 0 and rows[FIVE_RICH]["fgt_catatan"] is None
    # 64.74.01 (3 poor) is withheld; beside the shown 64.74 it would follow from 64.74.02,
    # so 64.74.02 is withheld too, and then one of its two kelurahan: the rule's choice.
    assert rows[FIVE_POOR]["p1"] is None and "kurang dari 5" in rows[FIVE_POOR]["fgt_catatan"]
    full = poverty(client_as("admin"))[FIVE_POOR]
    assert full["p1"] == pytest.approx(sum((LINE - y) / LINE for y in SPENDING[FIVE_POOR]) / 5)


def test_a_parent_that_would_give_a_withheld_child_back_is_withheld(client_as, city):
    kecamatan = poverty(client_as("viewer"), "kecamatan")
    # 64.74.01 = ONE + FOUR (both withheld): its own 5 households would be enough, but with
    # P1 of 64.74 and 64.74.02 shown, 64.74.01 follows; everything one level up is checked.
    rows = poverty(client_as("viewer"))
    kab = poverty(client_as("viewer"), "kabkota")["64.74"]
    shown = [k for k, r in kecamatan.items() if r["p1"] is not None]
    if kab["p1"] is not None:
        assert len(shown) != 1  # never exactly one of the two kecamatan hidden
    assert all(rows[k]["p1"] is None for k in (ONE, FOUR))


FOUR_RICH = "64.74.03.1001"  # exactly four households with expenditure, none poor
FIVE_RICH_BESIDE = "64.74.03.1002"  # its neighbour: five, none poor


@pytest.fixture
def four_rich(conn):
    amounts = {FOUR_RICH: [500_000.0, 600_000.0, 700_000.0, 800_000.0],
               FIVE_RICH_BESIDE: [500_000.0, 550_000.0, 600_000.0, 650_000.0, 700_000.0]}
    households = [H(f"G{i:03d}", kel, 2, "terverifikasi", 1, y,
                    f"6474031501{80:02d}{i:04d}", f"64740301{i:08d}")
                  for i, (kel, y) in enumerate(
                      ((kel, y) for kel, ys in amounts.items() for y in ys), start=1)]
    insert_households(conn, households)
    return amounts


def test_four_households_none_poor_are_withheld_at_the_boundary(client_as, four_rich):
    # The count rule alone decides here (no poor household, so the 1-4 poor rule does not):
    # 4 < 5 is withheld, and the indices themselves would be 0, nothing to hide but the rule.
    full = poverty(client_as("admin"))
    assert sum(1 for y in four_rich[FOUR_RICH] if y < LINE) == 0
    assert (full[FOUR_RICH]["p0"], full[FOUR_RICH]["p1"], full[FOUR_RICH]["p2"]) == (0, 0, 0)
    rows = poverty(client_as("viewer"))
    shown = rows[FOUR_RICH]
    assert (shown["p0"], shown["p1"], shown["p2"]) == (None, None, None)
    assert "kurang dari 5" in shown["fgt_catatan"]
    # Its only sibling follows (else the kecamatan, shown, would give it back); the kecamatan
    # of nine households, none poor, is shown.
    assert rows[FIVE_RICH_BESIDE]["p0"] is None
    assert poverty(client_as("viewer"), "kecamatan")["64.74.03"]["p0"] == 0
