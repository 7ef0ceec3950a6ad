"""Uploads run in the background (``app.services.uploads``) in a scratch database, because a
job commits its own transaction: progress is counted, a file that fails half-way leaves nothing
loaded, the failure is audited, and a job belongs to whoever staged it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from household_rows import row, write_csv
from sqlalchemy import Engine, text

from app.principal import Principal
from app.services.registry import import_households
from app.services.uploads import JobBoard, UploadRequest, run_upload
from geo.errors import NotFound

from scratch import bontang_database

KEY = b"upload-jobs-test-key"
ANALYST = Principal("analis-bontang", "analyst")


@pytest.fixture(scope="module")
def scratch_engine(db_url: str, wilayah_dir: Path) -> Iterator[Engine]:
    with bontang_database(db_url, wilayah_dir, "sasaran_upload_jobs") as engine:
        yield engine


@pytest.fixture
def board(scratch_engine: Engine) -> Iterator[JobBoard]:
    with scratch_engine.begin() as conn:
        conn.execute(text("TRUNCATE household, import_batch, rejected_row, audit_log CASCADE"))
    jobs = JobBoard(scratch_engine.begin)
    yield jobs
    jobs.shutdown()


def staged(board: JobBoard, tmp_path: Path, rows: list[dict[str, str]], name: str = "rt.csv"):
    folder = tmp_path / "stage"
    folder.mkdir()
    path = write_csv(folder / name, rows)
    job = board.stage(ANALYST, "rumah_tangga", name, folder, path)
    job.rows_estimate = len(rows)
    return job


def wait(job, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not job.ended:
        assert time.monotonic() < deadline, f"job still {job.state}"
        time.sleep(0.05)


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(conn.execute(text(  # type: ignore[return-value]
            "SELECT (SELECT count(*) FROM household), (SELECT count(*) FROM import_batch), "
            "(SELECT count(*) FROM rejected_row)")).one())


def test_a_job_loads_the_file_counts_its_rows_and_removes_the_staged_copy(board, tmp_path,
                                                                          scratch_engine):
    rows = [row(i) for i in range(1, 41)]
    rows[5]["desil"] = "11"
    rows[9]["nik_kepala"] = "123"
    job = staged(board, tmp_path, rows)
    request = UploadRequest("rumah_tangga", job.path, job.file_name)
    board.start(job, lambda conn, progress: run_upload(conn, request, ANALYST, KEY, progress))
    board.start(job, lambda conn, progress: 1 // 0)  # a second click changes nothing
    wait(job)
    assert job.state == "selesai", job.error
    assert job.rows_done == 40 and job.percent == 100
    assert counts(scratch_engine) == (38, 1, 2)
    assert not job.folder.exists()
    with scratch_engine.connect() as conn:
        audit = conn.execute(text("SELECT pengguna, aksi, jumlah_baris FROM audit_log")).all()
    assert [tuple(a) for a in audit] == [("analis-bontang", "household.import", 38)]


def test_a_file_failing_half_way_leaves_nothing_loaded_and_says_why(board, tmp_path,
                                                                    scratch_engine):
    # Past the first MB (decoded with the header), so chunks are loaded before row 9,002 fails.
    job = staged(board, tmp_path, [row(i) for i in range(1, 9001)], "rusak.csv")
    with open(job.path, "ab") as handle:
        handle.write(b"K99999,\xff\xfe,bad\n")

    def work(conn, progress):
        return import_households(conn, job.path, key=KEY, user=ANALYST.username,
                                 name=job.file_name, chunk_size=2000, progress=progress).batch_id

    board.start(job, work)
    wait(job)
    assert job.state == "gagal" and job.batch_id is None
    assert "rusak.csv" in job.error and "baris 9002" in job.error, job.error
    assert job.rows_done >= 8000  # it had been loading
    assert counts(scratch_engine) == (0, 0, 0)
    with scratch_engine.connect() as conn:
        audit = conn.execute(text("SELECT aksi, sasaran, filter->>'pesan' FROM audit_log")).one()
    assert audit[0] == "upload.failed" and audit[1] == "rusak.csv" and audit[2] == job.error
    assert not job.folder.exists()


def test_an_unexpected_error_is_reported_without_its_details(board, tmp_path):
    job = staged(board, tmp_path, [row(1)])
    board.start(job, lambda conn, progress: 1 // 0)
    wait(job)
    assert job.state == "gagal"
    assert job.error == "Terjadi kesalahan internal; sudah dicatat di log."


def test_a_job_is_only_its_owners_and_an_abandoned_one_is_removed(board, tmp_path):
    job = staged(board, tmp_path, [row(1)])
    assert board.get(job.id, ANALYST) is job
    with pytest.raises(NotFound):
        board.get(job.id, Principal("orang-lain", "analyst"))
    board.discard(job)
    assert not job.folder.exists()
    with pytest.raises(NotFound):
        board.get(job.id, ANALYST)


def test_a_preview_never_confirmed_expires(board, tmp_path, monkeypatch):
    job = staged(board, tmp_path, [row(1)])
    monkeypatch.setattr(time, "monotonic", lambda: job.created + 31 * 60)
    with pytest.raises(NotFound):
        board.get(job.id, ANALYST)
    assert not job.folder.exists()
