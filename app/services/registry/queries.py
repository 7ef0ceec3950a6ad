"""Reading the registry: filtered, paged household lists, one household with its members,
possible-duplicate groups. Area scoping (``area_prefixes``) is applied inside the SQL.

These functions return persons (names, addresses, masked NIK/KK): callers check the
principal's ``can_see_persons`` and write the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from app.services.scope import area_scope
from app.sql import statement
from geo.errors import NotFound

_PAGE = text(statement("registry/households_page.sql"))


@dataclass(frozen=True)
class HouseholdFilter:
    kode: str | None = None  # kelurahan/kecamatan/kab-kota code prefix
    desil_min: int | None = None
    desil_max: int | None = None
    status: str | None = None
    flag: str | None = None

    def params(self) -> dict[str, Any]:
        return {**area_scope((), self.kode, name="kode"),
                "desil_min": self.desil_min, "desil_max": self.desil_max,
                "status": self.status, "flag": self.flag}


def list_households(
    conn: Connection, filters: HouseholdFilter, area_prefixes: tuple[str, ...] = (),
    limit: int = 50, offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """``(total, page)`` of households matching ``filters`` within the areas, by id_keluarga."""
    params = {**filters.params(), **area_scope(area_prefixes),
              "limit": limit, "offset": offset}
    page = [dict(r._mapping) for r in conn.execute(_PAGE, params)]
    if not page and offset > 0:  # past the last page: the first row still carries the total
        first = conn.execute(_PAGE, {**params, "limit": 1, "offset": 0}).first()
        return (int(first.total) if first else 0), []
    total = page[0].pop("total") if page else 0
    for row in page[1:]:
        del row["total"]
    return int(total), page


def get_household(
    conn: Connection, id_keluarga: str, area_prefixes: tuple[str, ...] = ()
) -> dict[str, Any]:
    """One household with its members; ``NotFound`` when absent or outside the areas."""
    row = conn.execute(text(statement("registry/household_one.sql")),
                       {"id": id_keluarga, **area_scope(area_prefixes)}).first()
    if row is None:
        raise NotFound(f"Rumah tangga '{id_keluarga}' tidak ditemukan.", {"id": id_keluarga})
    household = dict(row._mapping)
    household["anggota"] = [dict(m._mapping) for m in conn.execute(
        text("SELECT nik_mask, nama, hubungan, jenis_kelamin, tanggal_lahir, disabilitas "
             "FROM member WHERE household_id = :hid ORDER BY id"),
        {"hid": household["id"]},
    )]
    return household


def possible_duplicates(
    conn: Connection, area_prefixes: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Households sharing a head NIK or a No. KK digest, one row per household per group."""
    rows = conn.execute(text(statement("registry/possible_duplicates.sql")),
                        {**area_scope(area_prefixes)})
    return [dict(r._mapping) for r in rows]
