"""Uploads started by a person: which kinds of file each role may upload, running an upload
with the same import services as the API and CLI, and running it in the background with
progress a page can poll.

Public: ``KINDS``, ``UploadKind``, ``kind``, ``allowed_kinds``, ``enrollment_programs``,
``require_upload``, ``require_registry_role``, ``require_enrollment_upload``,
``require_registry_batch``, ``require_enrollment_batch``, ``require_batch_access`` (kinds: the
rules); ``UploadRequest``, ``run_upload`` (run); ``JobBoard``, ``Job`` (jobs).
"""

from app.services.uploads.jobs import Job, JobBoard
from app.services.uploads.kinds import (
    KINDS,
    UploadKind,
    allowed_kinds,
    enrollment_programs,
    kind,
    require_batch_access,
    require_enrollment_batch,
    require_enrollment_upload,
    require_registry_batch,
    require_registry_role,
    require_upload,
)
from app.services.uploads.run import UploadRequest, run_upload

__all__ = ["KINDS", "Job", "JobBoard", "UploadKind", "UploadRequest", "allowed_kinds",
           "enrollment_programs", "kind", "require_batch_access", "require_enrollment_batch",
           "require_enrollment_upload", "require_registry_batch", "require_registry_role",
           "require_upload", "run_upload"]
