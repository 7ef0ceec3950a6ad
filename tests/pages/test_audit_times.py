"""The audit log's times are the office's wall clock, named (WIB here, the default zone), and
"Sejak tanggal" starts at the office's midnight, on the page and in its CSV. Two entries one
second apart straddle midnight WIB of 4 Dec 2026 (3 Dec 17.00 UTC): the UTC date of both is the
3rd, so reading UTC would show both on the 3rd and a "sejak 4 Des" filter would keep neither."""

from __future__ import annotations

import csv
import io

from sqlalchemy import text

USER = "uji-zona"


def _two_entries_around_midnight_wib(conn) -> None:
    conn.execute(text(
        "INSERT INTO audit_log (waktu, pengguna, peran, aksi) VALUES "
        "('2026-12-03 16:59:59+00', :u, 'admin', 'zona.sebelum'), "
        "('2026-12-03 17:00:00+00', :u, 'admin', 'zona.tepat')"), {"u": USER})


def _row_html(html: str, action: str) -> str:
    """The cells of the audit row before its action's cell."""
    return html.split(f"<td>{action}</td>")[0].rsplit("<tr>", 1)[1]


def test_audit_page_shows_and_filters_by_the_offices_day(client_as, conn):
    _two_entries_around_midnight_wib(conn)
    admin = client_as("admin")

    everything = admin.get("/pengguna/audit", params={"pengguna": USER})
    assert everything.status_code == 200
    assert "<td>3 Des 2026 23.59 WIB</td>" in _row_html(everything.text, "zona.sebelum")
    assert "<td>4 Des 2026 00.00 WIB</td>" in _row_html(everything.text, "zona.tepat")

    since = admin.get("/pengguna/audit", params={"pengguna": USER, "sejak": "2026-12-04"})
    assert "zona.tepat" in since.text and "zona.sebelum" not in since.text
    day_before = admin.get("/pengguna/audit", params={"pengguna": USER, "sejak": "2026-12-03"})
    assert "zona.tepat" in day_before.text and "zona.sebelum" in day_before.text

    download = admin.get("/pengguna/audit.csv", params={"pengguna": USER, "sejak": "2026-12-04"})
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [(r["aksi"], r["waktu"]) for r in rows] == [
        ("zona.tepat", "2026-12-04T00:00:00+07:00")]


def test_a_bad_since_date_is_named_next_to_its_field(client_as):
    page = client_as("admin").get("/pengguna/audit", params={"sejak": "4-12-2026"})
    assert "Tanggal tidak sah; tulis seperti 2026-11-30." in page.text
