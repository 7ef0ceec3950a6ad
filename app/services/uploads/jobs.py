"""Imports run in the background, so a page can show progress while a large file loads.

One ``JobBoard`` per application process (``app.state``): a job is created when a file is
staged for its preview, queued when the user confirms the mapping, and then run by a small pool
of worker threads, each import in ONE transaction of its own (``connect()``, by default
``engine.begin``). A failure anywhere rolls that transaction back, so nothing of the file stays
loaded; the job keeps the Indonesian message of what failed.

Rules:
- a job belongs to the user who staged it: ``get`` answers ``NotFound`` for anyone else;
- the staged file is deleted when the job ends (done or failed) or, when never confirmed,
  ``STAGE_MINUTES`` after staging (swept on every call);
- jobs live in memory: ``sasaran serve`` is one process. A restart forgets running jobs, and
  PostgreSQL aborts their open transactions, which again leaves nothing half-loaded.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from app.principal import Principal
from app.services.access import audit
from geo.errors import NotFound, SasaranError

log = logging.getLogger("sasaran.jobs")
STAGE_MINUTES = 30
KEEP_FINISHED_HOURS = 12
INTERNAL = "Terjadi kesalahan internal; sudah dicatat di log."
NOTHING_LOADED = "Tidak ada data dari berkas ini yang dimuat."

Connect = Callable[[], AbstractContextManager[Connection]]
Work = Callable[[Connection, Callable[[int], None]], int]  # (conn, progress) -> batch id


@dataclass
class Job:
    """One upload: ``state`` is ``pratinjau`` (staged, mapping not yet confirmed), ``antre``,
    ``berjalan``, ``selesai`` or ``gagal``."""

    id: str
    principal: Principal
    kind: str
    file_name: str
    folder: Path
    path: Path
    settings: dict[str, Any] = field(default_factory=dict)  # kind-specific: program, sheet...
    rows_estimate: int | None = None
    rows_done: int = 0
    state: str = "pratinjau"
    batch_id: int | None = None
    error: str | None = None
    created: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def user(self) -> str:
        return self.principal.username

    @property
    def ended(self) -> bool:
        return self.state in ("selesai", "gagal")

    @property
    def percent(self) -> int | None:
        """Rows read so far against the estimate, capped at 99 until the job ends."""
        if self.state == "selesai":
            return 100
        if not self.rows_estimate:
            return None
        return min(99, int(100 * self.rows_done / self.rows_estimate))


class JobBoard:
    def __init__(self, connect: Connect, workers: int = 1) -> None:
        self.connect = connect
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sasaran-impor")

    def stage(self, principal: Principal, kind: str, file_name: str, folder: Path, path: Path,
              **settings: Any) -> Job:
        """Keep a saved upload (``path`` inside ``folder``, which the board will delete)."""
        self._sweep()
        job = Job(secrets.token_urlsafe(16), principal, kind, file_name, folder, path, settings)
        with self.lock:
            self.jobs[job.id] = job
        return job

    def get(self, job_id: str, principal: Principal) -> Job:
        self._sweep()
        with self.lock:
            job = self.jobs.get(job_id)
        if job is None or job.user != principal.username:
            raise NotFound("Unggahan ini tidak ditemukan atau sudah kedaluwarsa; unggah ulang.")
        return job

    def discard(self, job: Job) -> None:
        """Drop a staged job the user abandoned (its file with it)."""
        with self.lock:
            self.jobs.pop(job.id, None)
        _remove(job.folder)

    def start(self, job: Job, work: Work) -> None:
        """Queue ``work`` for a staged job; it runs in its own transaction."""
        with self.lock:
            if job.state != "pratinjau":
                return  # a second click on "Muat" must not load the file twice
            job.state = "antre"
        self.pool.submit(self._run, job, work)

    def queued_before(self, job: Job) -> int:
        """Jobs waiting or running that were queued before this one."""
        with self.lock:
            return sum(1 for j in self.jobs.values()
                       if j.state in ("antre", "berjalan") and j.created < job.created)

    def shutdown(self) -> None:
        """Stop the workers (a running import finishes) and drop every staged file."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        with self.lock:
            staged = [j for j in self.jobs.values() if not j.ended]
        for job in staged:
            _remove(job.folder)

    def _run(self, job: Job, work: Work) -> None:
        job.state = "berjalan"

        def progress(rows: int) -> None:
            job.rows_done += rows

        try:
            with self.connect() as conn:
                job.batch_id = work(conn, progress)
            job.state = "selesai"
        except SasaranError as exc:
            self._fail(job, exc.message)
        except OperationalError as exc:
            log.warning("database unavailable during import %s: %s", job.id, exc)
            self._fail(job, "Basis data tidak dapat dihubungi.")
        except Exception:  # the worker must report every failure to the page, never die
            log.exception("import job %s failed", job.id)
            self._fail(job, INTERNAL)
        finally:
            job.finished = time.monotonic()
            _remove(job.folder)

    def _fail(self, job: Job, message: str) -> None:
        job.state, job.error, job.batch_id = "gagal", message, None
        try:
            with self.connect() as conn:
                audit.record(conn, job.principal, "upload.failed", job.file_name,
                             {"jenis": job.kind, "pesan": message})
        except Exception:  # the failure is shown on the page even when it cannot be audited
            log.exception("could not audit the failed import %s", job.id)

    def _sweep(self) -> None:
        now = time.monotonic()
        with self.lock:
            stale = [j for j in self.jobs.values()
                     if (j.state == "pratinjau" and now - j.created > STAGE_MINUTES * 60)
                     or (j.finished is not None
                         and now - j.finished > KEEP_FINISHED_HOURS * 3600)]
            for job in stale:
                del self.jobs[job.id]
        for job in stale:
            _remove(job.folder)


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
