"""Stored rollout plans: create, list, read, replace, delete (audited, scoped to the principal).

A plan is visible to a principal only when every area of every wave lies inside the
principal's area prefixes (checked in SQL); only admins and analysts may change plans.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from app.principal import Principal
from app.services.access import audit
from app.services.scope import area_scope, below_pattern
from app.sql import statement
from geo.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from geo.rollout import Wave, resolve_weights, validate_waves


@dataclass
class WaveInput:
    urutan: int
    tahun: int
    biaya_per_rumah_tangga: Decimal
    porsi_kesenjangan: Decimal
    wilayah: list[str]
    percontohan: bool = False

    def as_wave(self) -> Wave:
        return Wave(self.urutan, self.tahun, Decimal(self.biaya_per_rumah_tangga),
                    Decimal(self.porsi_kesenjangan), tuple(self.wilayah), self.percontohan)


@dataclass
class PlanInput:
    nama: str
    deskripsi: str | None = None
    wilayah_induk: str | None = None
    tanggal_acuan: date | None = None
    desil_maks: int = 4
    garis_kemiskinan: Decimal | None = None
    bobot: dict[str, float] = field(default_factory=dict)
    gelombang: list[WaveInput] = field(default_factory=list)


def _require_editor(principal: Principal) -> None:
    if not principal.can_edit_plans:
        raise PermissionDenied("Hanya admin dan analis yang boleh mengubah rencana perluasan.")


def _validate(conn: Connection, plan: PlanInput, principal: Principal) -> None:
    if not plan.nama.strip():
        raise InvalidInput("Nama rencana wajib diisi.", {"kolom": "nama"})
    if not 1 <= plan.desil_maks <= 10:
        raise InvalidInput("desil_maks harus 1-10.", {"kolom": "desil_maks"})
    resolve_weights(plan.bobot)
    validate_waves([w.as_wave() for w in plan.gelombang])
    codes = sorted({k for w in plan.gelombang for k in w.wilayah})
    known = set(conn.execute(text(statement("rollout/known_wave_areas.sql")), {
        "codes": codes, "parent_below": below_pattern(plan.wilayah_induk),
        **area_scope(principal.area_prefixes)}).scalars())
    unknown = [k for k in codes if k not in known]
    if unknown:
        raise InvalidInput(
            "Wilayah tidak dikenal, di luar wilayah induk rencana, atau di luar wilayah akses "
            "Anda: " + ", ".join(unknown),
            {"kode": unknown},
        )


def _name_taken(conn: Connection, nama: str, except_id: int | None) -> bool:
    return conn.execute(
        text("SELECT EXISTS (SELECT 1 FROM rollout_plan WHERE nama = :nama "
             "AND id IS DISTINCT FROM :id)"),
        {"nama": nama.strip(), "id": except_id},
    ).scalar_one()


def _plan_params(plan: PlanInput, principal: Principal) -> dict[str, Any]:
    return {
        "nama": plan.nama.strip(), "deskripsi": plan.deskripsi,
        "wilayah_induk": plan.wilayah_induk, "tanggal_acuan": plan.tanggal_acuan,
        "desil_maks": plan.desil_maks, "garis_kemiskinan": plan.garis_kemiskinan,
        "bobot": json.dumps(plan.bobot), "pengguna": principal.username,
    }


def _insert_waves(conn: Connection, plan_id: int, waves: list[WaveInput]) -> None:
    if not waves:
        return
    conn.execute(
        text("INSERT INTO rollout_wave (plan_id, urutan, tahun, biaya_per_rumah_tangga, "
             "porsi_kesenjangan, wilayah, percontohan) VALUES (:plan_id, :urutan, :tahun, "
             ":biaya, :porsi, :wilayah, :percontohan)"),
        [{"plan_id": plan_id, "urutan": w.urutan, "tahun": w.tahun,
          "biaya": w.biaya_per_rumah_tangga, "porsi": w.porsi_kesenjangan,
          "wilayah": list(w.wilayah), "percontohan": w.percontohan} for w in waves],
    )


def create_plan(conn: Connection, plan: PlanInput, principal: Principal) -> dict[str, Any]:
    _require_editor(principal)
    _validate(conn, plan, principal)
    if _name_taken(conn, plan.nama, None):
        raise Conflict(f"Rencana bernama '{plan.nama.strip()}' sudah ada.", {"nama": plan.nama})
    plan_id = conn.execute(
        text("INSERT INTO rollout_plan (nama, deskripsi, wilayah_induk, tanggal_acuan, "
             "desil_maks, garis_kemiskinan, bobot, dibuat_oleh) VALUES (:nama, :deskripsi, "
             ":wilayah_induk, :tanggal_acuan, :desil_maks, :garis_kemiskinan, "
             "CAST(:bobot AS jsonb), :pengguna) RETURNING id"),
        _plan_params(plan, principal),
    ).scalar_one()
    _insert_waves(conn, plan_id, plan.gelombang)
    audit.record(conn, principal, "rollout_plan.create", str(plan_id), {"nama": plan.nama})
    return get_plan(conn, plan_id, principal)


def update_plan(
    conn: Connection, plan_id: int, plan: PlanInput, principal: Principal
) -> dict[str, Any]:
    """Replace the plan's fields and all its waves."""
    _require_editor(principal)
    get_plan(conn, plan_id, principal)
    _validate(conn, plan, principal)
    if _name_taken(conn, plan.nama, plan_id):
        raise Conflict(f"Rencana bernama '{plan.nama.strip()}' sudah ada.", {"nama": plan.nama})
    conn.execute(
        text("UPDATE rollout_plan SET nama = :nama, deskripsi = :deskripsi, "
             "wilayah_induk = :wilayah_induk, tanggal_acuan = :tanggal_acuan, "
             "desil_maks = :desil_maks, garis_kemiskinan = :garis_kemiskinan, "
             "bobot = CAST(:bobot AS jsonb), diperbarui = now() WHERE id = :id"),
        _plan_params(plan, principal) | {"id": plan_id},
    )
    conn.execute(text("DELETE FROM rollout_wave WHERE plan_id = :id"), {"id": plan_id})
    _insert_waves(conn, plan_id, plan.gelombang)
    audit.record(conn, principal, "rollout_plan.update", str(plan_id), {"nama": plan.nama})
    return get_plan(conn, plan_id, principal)


def delete_plan(conn: Connection, plan_id: int, principal: Principal) -> None:
    _require_editor(principal)
    plan = get_plan(conn, plan_id, principal)
    conn.execute(text("DELETE FROM rollout_plan WHERE id = :id"), {"id": plan_id})
    audit.record(conn, principal, "rollout_plan.delete", str(plan_id), {"nama": plan["nama"]})


def list_plans(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    rows = conn.execute(text(statement("rollout/plans_visible.sql")),
                        {**area_scope(principal.area_prefixes)})
    return [dict(r._mapping) for r in rows]


def get_plan(conn: Connection, plan_id: int, principal: Principal) -> dict[str, Any]:
    """The plan with its waves in order; ``NotFound`` also when outside the principal's areas
    (so its existence is not revealed)."""
    row = conn.execute(text(statement("rollout/plan_one.sql")), {
        "id": plan_id, **area_scope(principal.area_prefixes)}).first()
    if row is None:
        raise NotFound(f"Rencana {plan_id} tidak ditemukan.", {"id": plan_id})
    waves = conn.execute(
        text("SELECT urutan, tahun, biaya_per_rumah_tangga, porsi_kesenjangan, wilayah, "
             "percontohan FROM rollout_wave WHERE plan_id = :id ORDER BY urutan"),
        {"id": plan_id},
    )
    return dict(row._mapping) | {"gelombang": [dict(w._mapping) for w in waves]}


def plan_waves(plan: dict[str, Any]) -> list[Wave]:
    return [WaveInput(**w).as_wave() for w in plan["gelombang"]]
