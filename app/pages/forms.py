"""Reading what people type or choose: the coverage filters shared by Beranda, the table and
the map (same query names as ``/map``: ``ref_date``, ``desil_max``, ``program``, ``agency``,
``kecamatan``), each bad value answered by an Indonesian message next to its field while the
page still shows the default."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from app.clock import today
from geo.codes import level_of
from geo.maps.i18n import texts

FILTER_KEYS = ("ref_date", "desil_max", "program", "agency", "kecamatan")


@dataclass(frozen=True)
class CoverageFilter:
    """The filters of a coverage page; ``errors`` maps a field to its message."""

    ref_date: date
    desil_max: int
    program: str | None = None
    agency: str | None = None
    parent: str | None = None  # a kab/kota or kecamatan code (the map's ``kecamatan``)
    errors: dict[str, str] = field(default_factory=dict)

    def params(self) -> dict[str, str]:
        """The query parameters that reproduce these filters (for links and the map)."""
        values = {"ref_date": self.ref_date.isoformat(), "desil_max": str(self.desil_max),
                  "program": self.program, "agency": self.agency, "kecamatan": self.parent}
        return {k: v for k, v in values.items() if v}

    def query(self, **extra: Any) -> str:
        """``ref_date=...&desil_max=...`` plus ``extra`` (None drops a key)."""
        merged: dict[str, Any] = {**self.params(), **extra}
        return urlencode({k: v for k, v in merged.items() if v is not None and v != ""})

    def with_parent(self, parent: str | None) -> CoverageFilter:
        return replace(self, parent=parent)

    def service_args(self) -> dict[str, Any]:
        """Keyword arguments of the coverage service functions (not the area scope)."""
        return {"ref_date": self.ref_date, "desil_max": self.desil_max,
                "program": self.program, "agency": self.agency}


def _text(params: QueryParams, key: str, limit: int = 40) -> str | None:
    value = (params.get(key) or "").strip()
    return value[:limit] or None


def read_filter(params: QueryParams, default_desil: int, choices: dict[str, list[dict[str, Any]]]
                ) -> CoverageFilter:
    """The filters in ``params``; an unknown program, agency or area, a bad date or desil gets
    a message and falls back to the default (everything, today, ``default_desil``)."""
    errors: dict[str, str] = {}
    ref_date = today()
    raw_date = _text(params, "ref_date")
    if raw_date:
        try:
            ref_date = date.fromisoformat(raw_date)
        except ValueError:
            errors["ref_date"] = "Tanggal acuan tidak sah; tulis seperti 2026-11-30."
    desil = default_desil
    raw_desil = _text(params, "desil_max")
    if raw_desil:
        if raw_desil.isdigit() and 1 <= int(raw_desil) <= 10:
            desil = int(raw_desil)
        else:
            errors["desil_max"] = "Ambang desil harus bilangan bulat 1 sampai 10."
    if choices.get("area_filters", True):
        program = _choice(params, "program", choices.get("programs", []), errors,
                          "Program tidak dikenal.")
        agency = _choice(params, "agency", choices.get("agencies", []), errors,
                         "Instansi tidak dikenal.")
    else:  # not offered to this role (filter_choices): a shared link's filter is dropped
        program = agency = None
        if _text(params, "program") or _text(params, "agency"):
            errors["program"] = texts("id")["area_filters_protected"]
    parent = _text(params, "kecamatan")
    if parent and level_of(parent) not in ("kabkota", "kecamatan"):
        errors["kecamatan"] = "Kode wilayah harus kode kab/kota atau kecamatan, mis. 64.74.03."
        parent = None
    return CoverageFilter(ref_date, desil, program, agency, parent, errors)


def _choice(params: QueryParams, key: str, options: list[dict[str, Any]],
            errors: dict[str, str], message: str) -> str | None:
    value = _text(params, key)
    if value and value not in {o["kode"] for o in options}:
        errors[key] = message
        return None
    return value
