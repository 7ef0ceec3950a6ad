"""The Saran kecocokan page without a browser: bad filter values are named next to their field,
the decision's way back stays on this page, a second decision on the same suggestion is a
message (not an error page)."""

from __future__ import annotations

import pytest
from access_world import World, build_world


@pytest.fixture
def world(conn, settings, wilayah_dir, tmp_path) -> World:
    return build_world(conn, settings, wilayah_dir, tmp_path, balikpapan=False)


def test_bad_filters_are_named_and_the_list_still_shows(client_as, world):
    page = client_as("agency", agency="DINSOS").get(
        "/saran", params={"program": "PBI", "batch": "satu", "status": "entah"})
    assert page.status_code == 200
    assert "Program tidak dikenal atau bukan program instansi Anda." in page.text  # DINKES's
    assert "Nomor batch harus bilangan bulat." in page.text
    assert "Status tidak dikenal." in page.text
    assert page.text.count('class="baris-saran') == 1  # the swapped-NIK row of the world


def test_a_decision_goes_back_to_this_list_only_and_twice_is_a_message(client_as, world):
    officer = client_as("agency", agency="DINSOS")
    url = f"/saran/{world.suggestions[0]}/konfirmasi"
    first = officer.post(url, data={"kembali": "//contoh.invalid/x"}, follow_redirects=False)
    assert (first.status_code, first.headers["location"]) == (303, "/saran")
    again = officer.post(url, data={"kembali": "program=PKH"}, follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (303, "/saran?program=PKH")
    shown = officer.get("/saran", cookies=again.cookies)
    assert "Saran ini sudah diputuskan." in shown.text
