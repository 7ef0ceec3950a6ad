"""Unggah data: choose a file, check the column mapping on a preview of its first rows, load it
in the background with progress, then read the result (accepted, updated, rejected, flags,
unmatched), the rejected rows and their report; plus the user's own history of batches.

Flow (plain forms first; htmx only polls the progress): ``POST /unggah`` stages the file and
redirects to ``/unggah/{job}`` (the preview) -> ``POST /unggah/{job}`` with ``aksi=muat``
queues it -> ``/unggah/{job}`` shows progress until the job is done, then the batch's page
``/unggah/batch/{id}``. Who may upload what, and who may read a batch: ``app.services.uploads``.
The mapping step is ``geo.io.preview``: the file's layout is detected at staging
(``app.services.io.profiles.detect_layout``: shown with its confidence, applied when the import
would apply it); the user may pick another built-in or saved column profile, which redraws the
preview (per-column choices start again from that profile) and is the one the load uses.
A required column the file lacks can be given one value for every row (a BNBA list without its
start date: ``tanggal_mulai``): the same constants as the CLI's ``--set``, checked by the same
rules (``profiles.constant_problems``) and added to the profile by ``profiles.add_constants``.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from app.deps import ConnDep, SettingsDep
from app.pages.access import guard
from app.pages.flash import set_flash
from app.pages.nav import Page, register
from app.pages.render import render
from app.pages.upload_view import batch_view, preview_view, report, warnings_report
from app.principal import Principal
from app.services.coverage.enrollments import JENIS as ENROLLMENTS
from app.services.io import batches, profiles
from app.services.uploads import (
    Job,
    JobBoard,
    UploadRequest,
    allowed_kinds,
    enrollment_programs,
    kind,
    require_upload,
    run_upload,
)
from app.uploads import save_upload, upload_name
from geo.errors import InvalidInput, SasaranError
from geo.io import ColumnProfile, parse_column_map
from geo.io.preview import FilePreview, mapping_from_choices, preview_file

router = APIRouter(include_in_schema=False)
PAGE = register(Page("unggah", "/unggah", "Unggah data", frozenset({"admin", "analyst", "agency"}),
                     order=50))
_BOARD_LOCK = threading.Lock()
OWN_LAYOUT = "sasaran"  # the built-in profile of the project's own columns
CONSTANT_LENGTH = 100  # the constant fields' maxlength: a value is echoed in its error


def board(request: Request) -> JobBoard:
    """The application's import jobs (one worker: imports use both cores already)."""
    state = request.app.state
    with _BOARD_LOCK:
        if not hasattr(state, "jobs"):
            state.jobs = JobBoard(state.engine.begin)
        return state.jobs


def close_board(app: FastAPI) -> None:
    """At shutdown: let a running import finish, remove staged files nobody loaded."""
    jobs = getattr(app.state, "jobs", None)
    if jobs is not None:
        jobs.shutdown()


@router.get("/unggah", response_class=HTMLResponse)
def upload_form(request: Request, conn: ConnDep, principal: Principal = guard(PAGE)
                ) -> HTMLResponse:
    return _form(request, conn, principal, {}, {})


@router.post("/unggah", response_model=None)
def upload_post(
    request: Request, conn: ConnDep, settings: SettingsDep, principal: Principal = guard(PAGE),
    jenis: str = Form(""), program: str = Form(""), lembar: str = Form("", max_length=200),
    kolom: str = Form("", max_length=4000), berkas: UploadFile | None = File(None),
) -> Response:
    values = {"jenis": jenis, "program": program, "lembar": lembar, "kolom": kolom}
    errors: dict[str, str] = {}
    mapping = _check_choice(conn, principal, values, berkas, errors)
    if errors:
        return _form(request, conn, principal, values, errors, status=422)
    assert berkas is not None  # _check_choice said so
    folder = Path(tempfile.mkdtemp(prefix="sasaran-unggah-"))
    try:
        path = save_upload(berkas, settings, folder)
    except SasaranError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _form(request, conn, principal, values, {"berkas": exc.message}, status=422)
    job = board(request).stage(principal, jenis, upload_name(berkas), folder, path,
                               program=program or None, sheet=lembar or None, kolom=mapping)
    try:
        _detect(conn, job)
        job.rows_estimate = _preview(job).row_estimate
    except SasaranError as exc:
        board(request).discard(job)
        return _form(request, conn, principal, values, {"berkas": exc.message}, status=422)
    return RedirectResponse(f"/unggah/{job.id}", status_code=303)


@router.get("/unggah/{job_id}", response_model=None)
def upload_job(job_id: str, request: Request, conn: ConnDep,
               principal: Principal = guard(PAGE)) -> Response:
    job = board(request).get(job_id, principal)
    if job.state == "selesai":
        return RedirectResponse(f"/unggah/batch/{job.batch_id}", status_code=303)
    if job.state == "pratinjau":
        return _preview_page(request, conn, principal, job, _preview(job), {})
    return render(request, "unggah_proses.html", principal, job=job,
                  kind=kind(job.kind), waiting=board(request).queued_before(job))


@router.post("/unggah/{job_id}", response_model=None)
async def upload_confirm(job_id: str, request: Request, conn: ConnDep,
                         principal: Principal = guard(PAGE)) -> Response:
    jobs = board(request)
    job = jobs.get(job_id, principal)
    form = await request.form()
    if form.get("aksi") == "batal":
        jobs.discard(job)
        response = RedirectResponse("/unggah", status_code=303)
        set_flash(request, response, f"Unggahan {job.file_name} dibatalkan; tidak ada yang "
                  "dimuat.", "info")
        return response
    if job.state != "pratinjau":
        return RedirectResponse(f"/unggah/{job.id}", status_code=303)
    look = await run_in_threadpool(_preview, job)  # counts the file's lines: off the loop
    errors: dict[str, str] = {}
    sheet = form.get("lembar")
    if isinstance(sheet, str) and sheet in look.sheets and sheet != job.settings["sheet"]:
        job.settings.update(sheet=sheet, kolom={})  # another sheet: its own headers, layout
        await run_in_threadpool(_detect, conn, job)
        look = await run_in_threadpool(_preview, job)
        return _preview_page(request, conn, principal, job, look, errors)
    wanted = form.get("profil")
    if isinstance(wanted, str) and wanted and wanted != _profile_name(job):
        # Another layout: redraw the preview with it (never load unseen), choices reset.
        try:
            await run_in_threadpool(_use_profile, conn, job, wanted)
        except SasaranError as exc:
            errors["profil"] = exc.message
        look = await run_in_threadpool(_preview, job)
        return _preview_page(request, conn, principal, job, look, errors,
                             status=422 if errors else 200)
    choices = {h: str(form.get(f"kolom_{i}", "")) for i, h in enumerate(look.headers)}
    try:
        job.settings["kolom"] = mapping_from_choices(look.headers, choices,
                                                     kind(job.kind).spec)
    except InvalidInput as exc:
        errors["kolom"] = exc.message
    typed = _constants(job, form, errors)
    look = await run_in_threadpool(_preview, job)
    if form.get("aksi") == "muat" and not errors and look.ready:
        _start(request, job)
        return RedirectResponse(f"/unggah/{job.id}", status_code=303)
    if form.get("aksi") == "muat" and not look.ready and "kolom" not in errors:
        errors["kolom"] = ("Kolom wajib belum ada: " + ", ".join(look.missing)
                           + ". Pilih kolom berkas untuk masing-masing, atau isi nilai yang "
                           "sama untuk semua baris.")
    return _preview_page(request, conn, principal, job, look, errors,
                         status=422 if errors else 200, typed=typed)


@router.get("/unggah/{job_id}/status", response_model=None)
def upload_status(job_id: str, request: Request, principal: Principal = guard(PAGE)
                  ) -> Response:
    """The progress fragment htmx polls; once done, htmx is sent to the batch's page."""
    job = board(request).get(job_id, principal)
    if job.state == "selesai":
        target = f"/unggah/batch/{job.batch_id}"
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    return render(request, "partials/unggah_status.html", principal, job=job,
                  waiting=board(request).queued_before(job))


@router.get("/unggah/batch/{batch_id}", response_class=HTMLResponse)
def upload_result(batch_id: int, request: Request, conn: ConnDep,
                  principal: Principal = guard(PAGE)) -> HTMLResponse:
    view = batch_view(conn, principal, batch_id)
    return render(request, "unggah_hasil.html", principal, **view)


@router.get("/unggah/batch/{batch_id}/ditolak.{fmt}")
def upload_report(batch_id: int, fmt: str, conn: ConnDep,
                  principal: Principal = guard(PAGE)) -> Response:
    return report(conn, principal, batch_id, fmt)


@router.get("/unggah/batch/{batch_id}/peringatan.csv")
def upload_warnings(batch_id: int, conn: ConnDep, principal: Principal = guard(PAGE)
                    ) -> Response:
    return warnings_report(conn, principal, batch_id)


def _check_choice(conn: ConnDep, principal: Principal, values: dict[str, str],
                  berkas: UploadFile | None, errors: dict[str, str]) -> dict[str, str]:
    """The form's own checks, each message next to its field; the ``--columns`` rules."""
    allowed = {k.key for k in allowed_kinds(principal)}
    jenis, program = values["jenis"], values["program"] or None
    if jenis not in allowed:
        errors["jenis"] = "Pilih jenis data yang akan diunggah."
    if berkas is None or not berkas.filename:
        errors["berkas"] = "Pilih berkas CSV atau XLSX."
    if jenis == ENROLLMENTS and program is None and not principal.can_import:
        errors["program"] = "Pilih program instansi Anda."
    mapping: dict[str, str] = {}
    if jenis in allowed and not errors:
        try:
            mapping = parse_column_map(values["kolom"], kind(jenis).spec)
        except InvalidInput as exc:
            errors["kolom"] = exc.message
        try:
            require_upload(conn, principal, jenis, program)
        except SasaranError as exc:
            errors["program" if jenis == ENROLLMENTS else "jenis"] = exc.message
    return mapping


def _preview(job: Job) -> FilePreview:
    return preview_file(job.path, kind(job.kind).spec, job.settings["kolom"],
                        job.settings["sheet"], job.file_name, profile=_profile(job),
                        crosswalk=job.settings["padanan"])


def _profile(job: Job) -> ColumnProfile | None:
    """The chosen profile with the constants typed on the page: what preview and load apply."""
    return profiles.add_constants(job.kind, job.settings["profil"], job.settings["tetap"])


def _constants(job: Job, form: Any, errors: dict[str, str]) -> dict[str, str]:
    """The "isi sama untuk semua baris" fields (``tetap_<kolom>``) as typed; the values the
    row rules accept become the job's constants, each refused one an error beside its field."""
    typed = {column: str(form.get(f"tetap_{column}", "")).strip()[:CONSTANT_LENGTH]
             for column in kind(job.kind).spec.required if f"tetap_{column}" in form}
    given = {column: value for column, value in typed.items() if value}
    problems = profiles.constant_problems(job.kind, given, job.settings["profil"])
    for column, problem in problems.items():
        errors[f"tetap_{column}"] = f"{column}: {problem}"
    job.settings["tetap"] = {c: v for c, v in given.items() if c not in problems}
    return typed


def _detect(conn: Connection, job: Job) -> None:
    """The file's layout (shown) and the profile the import would apply by itself."""
    found = profiles.detect_layout(conn, job.path, job.kind, sheet=job.settings["sheet"],
                                   name=job.file_name)
    job.settings["deteksi"] = found
    _set_profile(conn, job, found.used)


def _use_profile(conn: Connection, job: Job, name: str) -> None:
    """The profile the user picked (the own layout: none, as a plain import)."""
    chosen = profiles.get_profile(conn, job.kind, name)
    _set_profile(conn, job, None if chosen.name == OWN_LAYOUT else chosen)


def _set_profile(conn: Connection, job: Job, profile: ColumnProfile | None) -> None:
    job.settings.update(profil=profile, padanan=profiles.crosswalk_for(conn, profile),
                        kolom={}, tetap={})


def _profile_name(job: Job) -> str:
    profile = job.settings["profil"]
    return OWN_LAYOUT if profile is None else profile.name


def _start(request: Request, job: Job) -> None:
    upload = UploadRequest(job.kind, job.path, job.file_name, dict(job.settings["kolom"]),
                           job.settings["sheet"], job.settings["program"],
                           profile=_profile(job))
    key = request.app.state.settings.hmac_key()
    board(request).start(job, lambda conn, progress: run_upload(conn, upload, job.principal,
                                                                key, progress))


def _form(request: Request, conn: ConnDep, principal: Principal, values: dict[str, str],
          errors: dict[str, str], status: int = 200) -> HTMLResponse:
    kinds = allowed_kinds(principal)
    history = batches.list_batches(conn, user=principal.username,
                                   kinds=tuple(k.key for k in kinds), limit=25)
    programs = (enrollment_programs(conn, principal)
                if any(k.key == ENROLLMENTS for k in kinds) else [])
    return render(request, "unggah.html", principal, kinds=kinds, programs=programs,
                  history=history, values=values, errors=errors, status=status)


def _preview_page(request: Request, conn: Connection, principal: Principal, job: Job,
                  look: FilePreview, errors: dict[str, str], status: int = 200,
                  typed: dict[str, str] | None = None) -> HTMLResponse:
    context: dict[str, Any] = preview_view(job, look, profiles.list_profiles(conn, job.kind),
                                           _profile_name(job), typed)
    return render(request, "unggah_pratinjau.html", principal, errors=errors, status=status,
                  **context)
