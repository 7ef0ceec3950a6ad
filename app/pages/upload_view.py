"""What the Unggah data templates show: the preview's mapping and column-profile choices, a
batch's result with its rejected rows, warnings and unmatched rows (read access and audit as in
the import API), the reports."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from sqlalchemy import Connection

from app.principal import Principal
from app.services.access import audit
from app.services.coverage import unmatched_rows
from app.services.coverage.enrollments import JENIS as ENROLLMENTS
from app.services.coverage.programs import JENIS as PROGRAMS
from app.services.io import batches
from app.services.io.profiles import PER_ROW
from app.services.registry.households import JENIS as HOUSEHOLDS
from app.services.uploads import KINDS, Job, kind, require_batch_access
from geo.io.preview import FilePreview

SHOWN_REJECTED = 500  # rows of the rejected and warnings tables on the page (reports: all)
FLAG_LABELS = {
    "coords_swapped": "Koordinat tertukar (diperbaiki)",
    "coords_invalid": "Koordinat di luar Indonesia (diabaikan)",
    "no_coords": "Tanpa koordinat",
    "outside_area": "Titik di luar kelurahan yang dimuat",
    "kelurahan_mismatch": "Kelurahan titik berbeda dengan yang dinyatakan",
    "possible_duplicate": "Kemungkinan duplikat (NIK kepala/No. KK sama)",
}
STATUS_LABELS = {"matched": "Cocok dengan rumah tangga", "ambiguous": "Ambigu (beberapa rumah "
                 "tangga)", "unmatched": "Tidak cocok (disimpan, perlu diperbaiki)"}
UNCHANGED_LABEL = "Sudah ada, tidak diubah"  # identical to an enrollment of an earlier upload
KIND_LABELS = {**{k: v.label for k, v in KINDS.items()}, "anggota": "Anggota rumah tangga"}
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def preview_view(job: Job, look: FilePreview, layouts: list[dict[str, Any]],
                 profile: str, typed: dict[str, str] | None = None) -> dict[str, Any]:
    """``layouts``: the kind's built-in and saved profiles (``profiles.list_profiles``);
    ``profile``: the name of the one the preview (and the load) applies; ``typed``: the
    constant fields as the user last typed them (default: the job's constants)."""
    spec = kind(job.kind).spec
    options = [(c, f"{c} (wajib)" if c in spec.required else c) for c in spec.columns]
    constants = job.settings["tetap"]
    shown = typed if typed is not None else constants
    # A field for each required column nothing in the file feeds (or that a field fills now);
    # never for the columns that tell rows apart (profiles.PER_ROW).
    filled = {name for name, _ in look.derived if name in constants}
    fillable = [(c, shown.get(c, ""), c.startswith("tanggal_")) for c in spec.required
                if (c in look.missing or c in filled) and c not in PER_ROW[job.kind]]
    return {"job": job, "kind": kind(job.kind), "look": look, "options": options,
            "chosen": [c.target or "" for c in look.columns], "fillable": fillable,
            "layouts": [(p["nama"], p["label"] + ("" if p["bawaan"] else " (tersimpan)"))
                        for p in layouts],
            "profile": profile, "detection": job.settings["deteksi"]}


def batch_view(conn: Connection, principal: Principal, batch_id: int) -> dict[str, Any]:
    """A batch's summary, its first rejected rows and (enrollments) its unmatched rows."""
    info = batches.get_batch(conn, batch_id)
    require_batch_access(conn, principal, info)
    summary = info["ringkasan"] or {}
    rejected = batches.rejected_rows(conn, batch_id, limit=SHOWN_REJECTED)
    warnings = batches.warning_rows(conn, batch_id, limit=SHOWN_REJECTED)
    if rejected:
        audit.record(conn, principal, "import.rejected.read", f"batch:{batch_id}", {},
                     len(rejected))
    view: dict[str, Any] = {
        "batch": info, "kind_label": KIND_LABELS.get(info["jenis"], info["jenis"]),
        "rejected": [_rejected(r) for r in rejected],
        "more_rejected": info["baris_ditolak"] - len(rejected),
        "warnings": warnings, "warning_count": batches.warning_count(conn, batch_id),
        "warned_rows": summary.get("peringatan", 0),
        "counts": [], "flags": [], "unmatched": [],
    }
    if info["jenis"] in (HOUSEHOLDS, PROGRAMS):
        view["counts"] = [("Baru", summary.get("baru", 0)),
                          ("Diperbarui", summary.get("diperbarui", 0))]
        view["flags"] = [(FLAG_LABELS.get(k, k), n)
                         for k, n in (summary.get("flag") or {}).items() if n]
    elif info["jenis"] == ENROLLMENTS:
        status = summary.get("status") or {}
        view["counts"] = [(label, status.get(key, 0)) for key, label in STATUS_LABELS.items()]
        view["counts"].append((UNCHANGED_LABEL, summary.get("sudah_ada", 0)))
        view["unmatched"] = unmatched_rows(conn, batch_id=batch_id,
                                           area_prefixes=principal.area_prefixes)
        audit.record(conn, principal, "enrollment.unmatched", f"batch:{batch_id}",
                     {"batch": batch_id}, len(view["unmatched"]))
    return view


def _rejected(row: dict[str, Any]) -> dict[str, Any]:
    """Row number, column(s) and reason; the first cells say which row it was."""
    cells = [str(v) for v in row["data"].values() if str(v).strip()][:3]
    return {"nomor_baris": row["nomor_baris"], "kolom": row["kolom"] or "–",
            "alasan": row["alasan"], "isi": " · ".join(cells)}


def report(conn: Connection, principal: Principal, batch_id: int, fmt: str) -> Response:
    """The rejected rows as CSV or XLSX (row, column, reason, then the file's own columns;
    the XLSX has the warnings on a second sheet)."""
    info = batches.get_batch(conn, batch_id)
    require_batch_access(conn, principal, info)
    fmt = fmt if fmt in MEDIA else "csv"
    content = (batches.report_xlsx if fmt == "xlsx" else batches.report_csv)(conn, batch_id)
    audit.record(conn, principal, "import.rejected.export", f"batch:{batch_id}",
                 {"format": fmt})
    return _attachment(content, fmt, f"ditolak-batch-{batch_id}")


def warnings_report(conn: Connection, principal: Principal, batch_id: int) -> Response:
    """The warnings as CSV: row, column, reason (the row was kept without that value)."""
    info = batches.get_batch(conn, batch_id)
    require_batch_access(conn, principal, info)
    content = batches.warnings_csv(conn, batch_id)
    audit.record(conn, principal, "import.warnings.export", f"batch:{batch_id}",
                 {"format": "csv"})
    return _attachment(content, "csv", f"peringatan-batch-{batch_id}")


def _attachment(content: bytes, fmt: str, stem: str) -> Response:
    return Response(content, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="{stem}.{fmt}"',
        "Cache-Control": "no-store"})
