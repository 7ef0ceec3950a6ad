import pytest

from geo import codes
from geo.wilayah.boundaries import normalise_code


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("64", "provinsi", None),
        ("64.74", "kabkota", "64"),
        ("64.74.03", "kecamatan", "64.74"),
        ("64.74.03.1002", "kelurahan", "64.74.03"),
        ("64.08.01.2001", "kelurahan", "64.08.01"),
    ],
)
def test_level_and_parent_are_derived_from_the_code(code, level, parent):
    assert codes.level_of(code) == level
    assert codes.parent_of(code) == parent


@pytest.mark.parametrize(
    "bad", ["6", "64.7", "64.74.3", "64.74.03.3002", "64-74", "", "64.74.03.10021"]
)
def test_malformed_codes_have_no_level(bad):
    assert codes.level_of(bad) is None


def test_kelurahan_and_desa_are_told_apart_by_the_serial():
    assert codes.jenis_of("64.74.03.1002") == "kelurahan"
    assert codes.jenis_of("63.11.01.2001") == "desa"
    assert codes.jenis_of("64.74.03") is None


def test_plain_digit_codes_are_dotted():
    assert normalise_code("6474031002") == "64.74.03.1002"
    assert normalise_code(647403) == "64.74.03"
    assert normalise_code(" 64.74 ") == "64.74"


def test_level_aliases_from_source_files():
    assert codes.normalise_level("desa_kelurahan") == "kelurahan"
    assert codes.normalise_level("kabupaten_kota") == "kabkota"
    assert codes.normalise_level("RT") is None


def test_kecamatan_digits_match_the_nik_prefix():
    assert codes.kecamatan_digits("64.74.03.1002") == "647403"
