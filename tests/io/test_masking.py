"""The one rule that masks whatever may be a NIK or No. KK in free text (geo.masking)."""

from __future__ import annotations

import pytest

from geo.masking import mask_text, mask_value


@pytest.mark.parametrize(("text", "masked"), [
    ("6474021709780002", "647402********0002"),
    ("NIK istri 6474 0217 4978 0003.", "NIK istri 647402********0003."),
    ("6474-0217-0978-0002", "647402********0002"),
    ("6.474021709780002E+15", "647402********0002E+15"),  # a NIK read as a number
    ("'6474021709780002", "'647402********0002"),        # typed as text in a spreadsheet
    ("647402170978000", "647402********8000"),            # 15 digits: one dropped
    ("64740217097800021", "647402********0021"),          # 17: one added
    ("Kolom yang ada: a, b, 6474021709780002", "Kolom yang ada: a, b, 647402********0002"),
])
def test_what_may_be_an_identity_number_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked  # masking twice changes nothing


@pytest.mark.parametrize("text", ["64740217097800", "tgl 2025-03-01", "64.74.03.1002",
                                  "Rp 1.250.000", "0812-3456-7890", "RT 003/RW 012"])
def test_shorter_numbers_are_left_alone(text):
    assert mask_text(text) == text


def test_values_keys_and_nesting_are_masked():
    row = {"NIK_PASANGAN": "6474021709780002", "6474021709780003": "kolom dari baris pertama",
           "angka": 5, "daftar": ["6474021709780004"]}
    assert mask_value(row) == {"NIK_PASANGAN": "647402********0002",
                               "647402********0003": "kolom dari baris pertama", "angka": 5,
                               "daftar": ["647402********0004"]}
