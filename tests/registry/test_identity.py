import hashlib
import hmac
import random

import polars as pl
import pytest

from geo import identity


@pytest.mark.parametrize(("number", "fragment"), [
    ("647403150580001", "16 digit"),
    ("64740315058000012", "16 digit"),
    ("64740315058000a1", "16 digit"),
    ("٦474031505800001", "16 digit"),  # non-ASCII digit
    ("0074031505800001", "kecamatan"),
    ("6474030005800001", "tanggal"),
    ("6474033205800001", "tanggal"),
    ("6474037205800001", "tanggal"),
    ("6474034005800001", "tanggal"),  # 40: a man's 31 + 9, a woman's 0 + 40: neither
    ("6474031500800001", "bulan"),
    ("6474031513800001", "bulan"),
    ("6474031505800000", "0000"),
])
def test_invalid_nik_has_a_reason(number, fragment):
    assert fragment in identity.nik_problem(number)


@pytest.mark.parametrize("number", ["6474031505800001", "6474035505800001", "6474037112990009",
                                    "6474030101800001", "6474033101800001",  # days 1 and 31
                                    "6474034101800001"])  # day 41: a woman born on the 1st
def test_valid_nik_including_women_with_day_plus_40(number):
    assert identity.nik_problem(number) is None


@pytest.mark.parametrize(("day", "valid"), [(0, False), (1, True), (31, True), (32, False),
                                            (40, False), (41, True), (71, True), (72, False)])
def test_the_fast_and_exact_nik_rules_agree_on_every_day_boundary(day, valid):
    number = f"647403{day:02d}0580" + "0001"
    assert (identity.nik_problem(number) is None) is valid
    assert bool(identity.surely_valid_niks([number])[0]) is valid


def test_kk_rules():
    assert identity.kk_problem("6474030101200001") is None
    assert "16 digit" in identity.kk_problem("647403010120000")
    assert "kecamatan" in identity.kk_problem("0000000101200001")


def test_clean_removes_spreadsheet_noise():
    assert identity.clean(" 6474.0315 0580-0001 ") == "6474031505800001"
    assert identity.clean("6474031505800001.0") == "6474031505800001"


def test_mask_keeps_first_six_and_last_four():
    assert identity.mask("6474034101900001") == "647403********0001"


def test_digest_is_keyed_and_deterministic():
    a = identity.digest(b"k1", "6474031505800001")
    assert a == identity.digest(b"k1", "6474031505800001")
    assert a != identity.digest(b"k2", "6474031505800001")
    assert len(a) == 32


@pytest.mark.parametrize("key", [b"k", b"x" * 64, b"y" * 100])
def test_bulk_digests_equal_single_digests(key):
    numbers = [f"64740315058{i:05d}" for i in range(50)]
    assert identity.digest_many(key, numbers) == [identity.digest(key, n) for n in numbers]


@pytest.mark.parametrize("key", [b"k", b"y" * 100, "kunci-\u00e9".encode(), b"\xff\x00k"])
def test_column_digests_equal_single_digests(key):
    numbers = [f"64740315058{i:05d}" for i in range(50)]
    hexed = identity.digest_hex_column(pl.Series(numbers), key).to_list()
    assert hexed == [hmac.new(key, n.encode(), hashlib.sha256).hexdigest() for n in numbers]


def test_bulk_masks_show_first_six_and_last_four_digits_only():
    numbers = ["6474031505800001", "6474030101200123"]
    assert identity.mask_many(numbers) == ["647403********0001", "647403********0123"]


def test_vectorised_check_never_accepts_what_the_exact_rules_reject():
    rng = random.Random(3)
    alphabet = "0123456789"
    numbers = ["".join(rng.choice(alphabet) for _ in range(rng.choice([15, 16, 16, 16, 17])))
               for _ in range(20_000)]
    numbers += ["6474031505800001", "6474035505800001", "", "6474 031505800001", "abc"]
    fast_nik = identity.surely_valid_niks(numbers)
    fast_kk = identity.surely_valid_kks(numbers)
    for number, nik_ok, kk_ok in zip(numbers, fast_nik, fast_kk, strict=True):
        assert bool(nik_ok) == (identity.nik_problem(number) is None), number
        assert bool(kk_ok) == (identity.kk_problem(number) is None), number
