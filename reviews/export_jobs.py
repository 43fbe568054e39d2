"""Exports run in the background: a desk member asks for one (the list's filters, a kind
and a format), a task from the outbox writes the file under FACTCHECK_VAR_DIR/exports
with its progress on the row, and its owner downloads it when done.

The same rows as the streamed export (reviews.exports), from the same filters: the file
is what GET /api/v1/exports/KIND.FMT?FILTERS would have answered when the task ran.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from claims.selectors import is_staff_member, visible_claims
from factcheck.errors import DomainError
from factcheck.outbox import enqueue
from reviews.exports import EXPORTS, FORMATS
from reviews.models import Evidence, ExportJob, Verdict

State = ExportJob.State
# The permission each kind needs (as the streamed export's DeskPermission asks).
PERMISSIONS = {
    "claims": "claims.view_claim",
    "verdicts": "reviews.view_verdict",
    "evidence": "reviews.view_evidence",
}
# Filter parameters kept with a job: the claim list's (the pager's are not filters).
_NOT_FILTERS = {"cursor", "page_size", "format", "ordering"}


class ExportRefused(DomainError):
    """An export that cannot be made (400), or not by this user (403)."""


class NotYours(DomainError):
    code = "not_found"
    http_status = 404


def _refused_unless_member(user: AbstractBaseUser, kind: str) -> None:
    if not (is_staff_member(user) and user.has_perm(PERMISSIONS[kind])):
        error = ExportRefused("Only desk members export the desk's data.")
        error.http_status, error.code = 403, "permission_denied"
        raise error


def export_queryset(user: AbstractBaseUser, kind: str, filters: dict) -> QuerySet:
    """The rows of an export of `kind` for desk member `user`, the claim list's `filters`
    applied (to the claims, and to verdicts and evidence through their claim)."""
    from reviews.api.filters import ClaimFilter  # the one definition of the list's filters

    if kind not in EXPORTS:
        raise ExportRefused(f"No export of “{kind}”: use one of {', '.join(EXPORTS)}.")
    _refused_unless_member(user, kind)
    data = QueryDict(mutable=True)
    for name, values in filters.items():
        data.setlist(name, values if isinstance(values, list) else [values])
    claims = visible_claims(user)
    filtered = ClaimFilter(data, queryset=claims, request=SimpleNamespace(user=user))
    if not filtered.is_valid():
        field, problems = next(iter(filtered.errors.items()))
        raise ExportRefused(f"{field}: {' '.join(problems)}", field=field)
    claims = filtered.qs
    if kind == "claims":
        return claims
    model = Verdict if kind == "verdicts" else Evidence
    return model.objects.filter(claim__in=claims.values("pk"))


def jobs_of(user: AbstractBaseUser) -> QuerySet[ExportJob]:
    """The export jobs this user may see: their own."""
    return ExportJob.objects.filter(owner_id=user.pk)


@transaction.atomic
def start_export(
    *, actor: AbstractBaseUser, kind: str, fmt: str, filters: QueryDict | dict | None = None
) -> ExportJob:
    """Queue an export of `kind` as `fmt` with the list's `filters` (query parameters) for
    `actor`."""
    _refused_unless_member(actor, kind if kind in PERMISSIONS else "claims")
    if fmt not in FORMATS:
        raise ExportRefused(f"No format “{fmt}”: use one of {', '.join(FORMATS)}.", field="fmt")
    given = filters if isinstance(filters, QueryDict) else QueryDict(mutable=True)
    if not isinstance(filters, QueryDict) and filters:
        for name, value in filters.items():
            given.setlist(name, value if isinstance(value, list) else [value])
    filters = {
        name: [str(v) for v in values if v != ""]
        for name, values in given.lists()
        if name not in _NOT_FILTERS and any(v != "" for v in values)
    }
    export_queryset(actor, kind, filters)  # bad filters are refused now, not in the task
    job = ExportJob.objects.create(owner=actor, kind=kind, fmt=fmt, filters=filters)
    enqueue("reviews.tasks.run_export", job_id=job.pk)
    return job


def export_dir() -> Path:
    return Path(settings.VAR_DIR) / "exports"


def file_path(job: ExportJob) -> Path | None:
    """The finished file of a job, or None."""
    if job.state != State.DONE or not job.file_name:
        return None
    path = export_dir() / job.file_name
    return path if path.is_file() else None


def run_export(job_id: int) -> str:
    """Write a job's file, its progress on the row every chunk; safe to run twice (a
    run killed midway starts again from the first row into a fresh file)."""
    taken = ExportJob.objects.filter(pk=job_id, state__in=[State.PENDING, State.RUNNING]).update(
        state=State.RUNNING, started_at=timezone.now(), rows_done=0, error=""
    )
    if not taken:
        return "skipped"  # done, failed, or gone
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    try:
        queryset = export_queryset(job.owner, job.kind, job.filters)
    except ExportRefused as refused:  # the owner lost the right, or a rating went away
        ExportJob.objects.filter(pk=job.pk).update(
            state=State.FAILED, error=refused.message[:500], finished_at=timezone.now()
        )
        return "failed"
    ExportJob.objects.filter(pk=job.pk).update(rows_total=queryset.count())
    export_dir().mkdir(parents=True, exist_ok=True)
    name = f"{job.kind}-{job.pk}-{secrets.token_hex(8)}.{job.fmt}"
    partial = export_dir() / (name + ".part")
    write, _ = FORMATS[job.fmt]
    done = [0]

    def progress(rows: int) -> None:
        done[0] = rows
        record_progress(job.pk, rows)

    with open(partial, "wb") as out:  # the exports give UTF-8 bytes
        for chunk in write(EXPORTS[job.kind], queryset, progress):
            out.write(chunk)
    os.replace(partial, export_dir() / name)
    ExportJob.objects.filter(pk=job.pk).update(
        state=State.DONE, rows_done=done[0], file_name=name, finished_at=timezone.now()
    )
    return "done"


def record_progress(job_id: int, rows: int) -> None:
    """The rows written so far, on the job's row (the desk's page reads it)."""
    ExportJob.objects.filter(pk=job_id).update(rows_done=rows)
