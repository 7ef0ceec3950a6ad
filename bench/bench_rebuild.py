"""The coverage upkeep of an enrollment import at scale: ``rebuild_segments`` for the households
a file touched, with the steps merged from the segments' changes (what an import does) against
recounting the steps of every kelurahan touched (what it did before), in turns, each in a
transaction rolled back.

Two files are imitated, each giving 10,000 households one more program from 1 July 2025 (the
import's own rows, inserted into ``enrollment`` as it would): one spread over the province (a
sample of households from ~every kelurahan, a provincial agency's file) and one inside a
single kab/kota (a Dinas Sosial of one city). Runs on the data set of ``bench/dataset.py``.

    .venv/bin/python bench/bench_rebuild.py --households 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dataset import open_dataset  # noqa: E402
from sqlalchemy import Connection, text  # noqa: E402

from app.db.engine import make_engine  # noqa: E402
from app.services.coverage import steps as steps_module  # noqa: E402
from app.services.coverage.segments import rebuild_segments  # noqa: E402

TOUCHED = 10_000
START = "2025-07-01"


def spread(conn: Connection) -> list[int]:
    """Households from ~every kelurahan: every k-th by id (ids follow the area codes)."""
    total = conn.execute(text("SELECT max(id) FROM household")).scalar_one()
    return list(conn.execute(text(
        "SELECT id FROM household WHERE id % :k = 0 ORDER BY id LIMIT :n"),
        {"k": max(1, total // TOUCHED), "n": TOUCHED}).scalars())


def one_kabkota(conn: Connection) -> list[int]:
    kab = conn.execute(text("SELECT kode_kabkota FROM household GROUP BY 1 "
                            "ORDER BY count(*) DESC LIMIT 1")).scalar_one()
    return list(conn.execute(text(
        "SELECT id FROM household WHERE kode_kabkota = :k ORDER BY id % 7919, id LIMIT :n"),
        {"k": kab, "n": TOUCHED}).scalars())


def add_program(conn: Connection, ids: list[int]) -> None:
    """The import's rows: each household joins the least common program from START."""
    conn.execute(text(
        "INSERT INTO enrollment (program_id, household_id, kunci, kunci_tampil, tanggal_mulai, "
        "status, kode_kabkota) SELECT (SELECT program_id FROM enrollment GROUP BY 1 "
        "ORDER BY count(*) LIMIT 1), h.id, 'id_keluarga', 'uji', CAST(:d AS date), "
        "'matched', h.kode_kabkota FROM household h WHERE h.id = ANY (:ids)"),
        {"ids": ids, "d": START})


def one_turn(engine, ids: list[int], merge: bool) -> tuple[float, float]:
    """Seconds for the whole rebuild and for refresh_steps within it."""
    inner = steps_module.refresh_steps
    spent = [0.0]

    def timed_refresh(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    with engine.connect() as conn:
        trans = conn.begin()
        try:
            conn.execute(text("SET work_mem = '64MB'"))
            add_program(conn, ids)
            with mock.patch("app.services.coverage.segments.refresh_steps", timed_refresh):
                start = time.perf_counter()
                rebuild_segments(conn, ids, merge_steps=merge)
                total = time.perf_counter() - start
        finally:
            trans.rollback()
    return total, spent[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", default="spread,kabkota")
    parser.add_argument("--recount-turns", type=int, default=None,
                        help="turns of the old path (default: --repeat); fewer at 10 M")
    args = parser.parse_args()
    recount_turns = args.repeat if args.recount_turns is None else args.recount_turns
    with open_dataset(args.households) as url:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                files = {"spread": spread(conn), "kabkota": one_kabkota(conn)}
                for name in args.files.split(","):
                    ids = files[name]
                    kel = conn.execute(text(
                        "SELECT count(DISTINCT kode_kelurahan) FROM household WHERE id = ANY(:i)"),
                        {"i": ids}).scalar_one()
                    print(f"[{args.households:,} households] file '{name}': {len(ids):,} "
                          f"households in {kel:,} kelurahan", flush=True)
            for name in args.files.split(","):
                got: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
                for turn in range(args.repeat):
                    for merge in (True, False):
                        if not merge and turn >= recount_turns:
                            continue
                        total, refresh = one_turn(engine, files[name], merge)
                        got[merge].append((total, refresh))
                        print(f"  {name} turn {turn + 1} {'merge' if merge else 'recount'}: "
                              f"rebuild {total:.2f} s, refresh_steps {refresh:.2f} s", flush=True)
                for merge, label in ((True, "merge"), (False, "recount")):
                    if got[merge]:
                        print(f"  {name} {label}: rebuild median "
                              f"{statistics.median(t for t, _ in got[merge]):.2f} s, "
                              f"refresh_steps median "
                              f"{statistics.median(r for _, r in got[merge]):.2f} s "
                              f"({len(got[merge])} turns)", flush=True)
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
