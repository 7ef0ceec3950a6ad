"""A small two-city world for access tests: Bontang (64.74) and Balikpapan (64.71) boundaries,
households in both, imported with the product's own service, so scoping can be checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coverage_fixture import insert_programs
from fastapi import FastAPI
from fastapi.routing import APIRoute
from household_rows import row, write_csv
from rollout_rows import plan_body
from sqlalchemy import Connection, text
from starlette.routing import Mount, Route

from app.api.rollout import PlanIn
from app.principal import Principal
from app.services.coverage import import_enrollments
from app.services.io.profiles import save_profile
from app.services.registry import import_households
from app.services.rollout import create_plan
from app.services.wilayah import load_boundaries
from app.settings import Settings

BONTANG = ["64.74.01.1001", "64.74.02.1001", "64.74.03.1002"]
BALIKPAPAN = ["64.71.01.1001", "64.71.01.1002"]
ANALYST_AREA = ("64.74",)


@dataclass
class World:
    households: dict[str, str] = field(default_factory=dict)  # id_keluarga -> kelurahan
    batches: list[int] = field(default_factory=list)
    plans: list[int] = field(default_factory=list)
    enrollment_batches: list[int] = field(default_factory=list)  # uploaded for program PKH
    heads: dict[str, dict[str, str]] = field(default_factory=dict)  # id_keluarga -> nik, nama
    suggestions: list[int] = field(default_factory=list)  # match suggestions, Bontang first

    def in_area(self, prefix: str) -> list[str]:
        return [h for h, k in self.households.items() if k.startswith(prefix)]


def bontang_rows() -> list[dict[str, str]]:
    # 7 households in Bontang: 5 in one kelurahan, 1 each in two others (small counts).
    codes = [BONTANG[0]] * 5 + [BONTANG[1], BONTANG[2]]
    return [row(i + 1, kode_kelurahan=k, desil=str(1 + i % 4)) for i, k in enumerate(codes)]


def balikpapan_rows() -> list[dict[str, str]]:
    codes = [BALIKPAPAN[0]] * 3 + [BALIKPAPAN[1]] * 6
    return [row(100 + i, kode_kelurahan=k, desil="1", nama_kepala=f"Warga Balikpapan {i}",
                no_kk=f"647101010100{i + 1:04d}", nik_kepala=f"64710115058{i + 1:05d}")
            for i, k in enumerate(codes)]


def load_boundary_files(conn: Connection, wilayah_dir: Path) -> None:
    for name in ("bontang_kelurahan", "bontang_kecamatan", "balikpapan_kelurahan",
                 "balikpapan_kecamatan"):
        load_boundaries(conn, wilayah_dir / f"{name}.geojson")


def import_rows(conn: Connection, world: World, rows: list[dict[str, str]], folder: Path,
                key: bytes, name: str) -> None:
    path = write_csv(folder / f"{name}.csv", rows)
    result = import_households(conn, path, key=key, user="uji-admin", name=path.name)
    assert result.rejected == 0, "the access world's rows must all load"
    world.batches.append(result.batch_id)
    world.households.update({r["id_keluarga"]: r["kode_kelurahan"] for r in rows})
    world.heads.update({r["id_keluarga"]: {"nik": r["nik_kepala"], "nama": r["nama_kepala"]}
                        for r in rows})


def enrollment_rows(world: World) -> list[dict[str, str]]:
    """PKH (DINSOS) for every household, PBI (DINKES) for every other one, and one row that
    matches nobody (kept as unmatched)."""
    rows = [{"kode_program": "PKH", "id_keluarga": h, "tanggal_mulai": "2024-01-01"}
            for h in world.households]
    rows += [{"kode_program": "PBI", "id_keluarga": h, "tanggal_mulai": "2024-01-01"}
             for h in list(world.households)[::2]]
    return rows + [{"kode_program": "PKH", "id_keluarga": "TIDAKADA", "tanggal_mulai":
                    "2024-01-01"}]


def add_enrollments(conn: Connection, world: World, folder: Path, key: bytes,
                    name: str) -> None:
    path = write_csv(folder / f"{name}.csv", enrollment_rows(world))
    import_enrollments(conn, path, key=key, user="uji-admin", name=path.name)
    # DINSOS's own upload for PKH (no kode_program column), with one rejected row and one
    # row whose NIK has two digits swapped (...0580... for ...5080...): unmatched, with the
    # first household as its match suggestion.
    first = next(iter(world.households))
    head = world.heads[first]
    swapped = head["nik"][:10] + head["nik"][11] + head["nik"][10] + head["nik"][12:]
    blank = {"nik": "", "nama": ""}
    own = write_csv(folder / f"{name}-pkh.csv", [
        {"id_keluarga": first, **blank, "tanggal_mulai": "2025-01-01"},
        {"id_keluarga": first, **blank, "tanggal_mulai": "bukan-tanggal"},
        {"id_keluarga": "", "nik": swapped, "nama": head["nama"], "tanggal_mulai": "2025-01-01"}])
    result = import_enrollments(conn, own, key=key, user="uji-dinsos", name=own.name,
                                program="PKH", only_program=True)
    world.enrollment_batches.append(result.batch_id)
    world.suggestions += [s for (s,) in conn.execute(text(
        "SELECT s.id FROM match_suggestion s JOIN enrollment e ON e.id = s.enrollment_id "
        "WHERE e.batch_id = :b ORDER BY s.peringkat"), {"b": result.batch_id})]


def add_programs(conn: Connection) -> None:
    insert_programs(conn)  # PKH, BPNT (DINSOS), PBI (DINKES), RTLH (DISPERKIM), ZAKAT (BAZNAS)
    conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('KOSONG', 'Tanpa program')"))


def add_plan(conn: Connection, world: World) -> None:
    """A rollout plan inside Bontang (visible to an analyst of 64.74)."""
    plan = PlanIn(**plan_body()).to_input()
    world.plans.append(create_plan(conn, plan, Principal("uji-admin", "admin"))["id"])


def build_world(conn: Connection, settings: Settings, wilayah_dir: Path, folder: Path,
                balikpapan: bool = True) -> World:
    load_boundary_files(conn, wilayah_dir)
    world = World()
    import_rows(conn, world, bontang_rows(), folder, settings.hmac_key(), "bontang")
    if balikpapan:
        import_rows(conn, world, balikpapan_rows(), folder, settings.hmac_key(), "balikpapan")
    add_programs(conn)
    add_enrollments(conn, world, folder, settings.hmac_key(), "peserta")
    add_plan(conn, world)
    save_profile(conn, {"nama": "instansi-uji", "jenis": "kepesertaan",
                        "ganti_nama": {"NIK PENERIMA": "nik"}}, "uji-admin")
    return world


def add_balikpapan(conn: Connection, world: World, settings: Settings, folder: Path) -> None:
    """Balikpapan households, enrolled like the others (for the scoping comparison)."""
    before = set(world.households)
    import_rows(conn, world, balikpapan_rows(), folder, settings.hmac_key(), "balikpapan")
    added = World(households={h: k for h, k in world.households.items() if h not in before},
                  heads=world.heads)
    add_enrollments(conn, added, folder, settings.hmac_key(), "peserta-balikpapan")


def leaf_routes(app: FastAPI) -> list[Any]:
    """Every route and mount object the app answers with, walking included routers."""
    found: list[Any] = []

    def walk(routes: list) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes)
            elif isinstance(route, APIRoute | Route | Mount):
                found.append(route)

    walk(app.router.routes)
    return found


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, walking included routers; mounts as MOUNT."""
    found: set[tuple[str, str]] = set()
    for route in leaf_routes(app):
        if isinstance(route, Mount):
            found.add(("MOUNT", route.path))
        else:
            found.update((m, route.path) for m in route.methods or () if m != "HEAD")
    return found
