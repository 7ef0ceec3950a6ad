"""Enrollment matching order (domain.md): id_keluarga, then no_kk, then nik; the first given
key that matches decides, even when a later key would match another household."""

from __future__ import annotations

import pytest
from coverage_fixture import KEY, E, H, insert_households, insert_programs, write_csv
from sqlalchemy import text

from app.services.coverage import import_enrollments

A = H("URUT-A", "64.74.01.1001", 2, "terverifikasi", 3, None, "6474011501800001",
      "6474010101000001", members=["6474015501900001"])
B = H("URUT-B", "64.74.01.1001", 2, "terverifikasi", 3, None, "6474011501800002",
      "6474010101000002")


@pytest.fixture
def households(conn):
    insert_households(conn, [A, B])
    insert_programs(conn)


def matched(conn, tmp_path, row: E) -> list[str]:
    result = import_enrollments(conn, write_csv(tmp_path / "e.csv", [row]), key=KEY, user="u")
    return conn.execute(text(
        "SELECT h.id_keluarga FROM enrollment e JOIN household h ON h.id = e.household_id "
        "WHERE e.batch_id = :b ORDER BY 1"), {"b": result.batch_id}).scalars().all()


def test_id_keluarga_decides_before_no_kk(conn, tmp_path, households):
    assert matched(conn, tmp_path, E("PKH", id_keluarga="URUT-A", no_kk=B.no_kk)) == ["URUT-A"]


def test_no_kk_decides_before_nik(conn, tmp_path, households):
    assert matched(conn, tmp_path, E("PKH", no_kk=B.no_kk, nik=A.nik_kepala)) == ["URUT-B"]


def test_an_unknown_id_lets_the_next_key_decide(conn, tmp_path, households):
    assert matched(conn, tmp_path, E("PKH", id_keluarga="TIDAK-ADA", no_kk=B.no_kk,
                                     nik=A.members[0])) == ["URUT-B"]
    assert matched(conn, tmp_path, E("PBI", nik=A.members[0])) == ["URUT-A"]
