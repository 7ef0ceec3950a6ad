"""Boundary-load time of every real file in ../shared/data/wilayah/ (issue 2).

Each file is loaded into a fresh private PostGIS (read, validate, repair, upsert, commit), five
times, and the timings are printed. Run: ``.venv/bin/python bench/bench_boundaries.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import text  # noqa: E402

from app.services.wilayah import load_boundaries  # noqa: E402

from common import WILAYAH, bench_database, make_engine, summary, timed  # noqa: E402

REPEAT = 5


def main() -> None:
    with bench_database() as url:
        engine = make_engine(url)
        for path in sorted(WILAYAH.glob("*.geojson")):
            def load(path: Path = path) -> None:
                with engine.begin() as conn:
                    load_boundaries(conn, path)
            times = timed(load, REPEAT)
            print(f"{path.name:34s} {summary(times)}")
        with engine.connect() as conn:
            print("areas stored:", conn.execute(text("SELECT count(*) FROM wilayah")).scalar())
        engine.dispose()


if __name__ == "__main__":
    main()
