"""Exports in the background, on the desk: start one with the list's filters, watch its
progress, download the file when it is done. Each desk member sees their own jobs."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from factcheck.errors import DomainError
from reviews import export_jobs
from reviews.desk import once
from reviews.desk.views import desk_required
from reviews.exports import FORMATS
from reviews.models import ExportJob

CONTENT_TYPES = {fmt: content_type for fmt, (_, content_type) in FORMATS.items()}


@require_GET
@desk_required
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = list(export_jobs.jobs_of(request.user)[:50])
    running = any(job.state in (ExportJob.State.PENDING, ExportJob.State.RUNNING) for job in jobs)
    return render(request, "reviews/export_jobs.html", {"jobs": jobs, "running": running})


@require_POST
@desk_required
def export_start(request: HttpRequest) -> HttpResponse:
    try:
        once.spend(request.POST.get(once.FIELD), user=request.user, purpose="export")
        job = export_jobs.start_export(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            fmt=request.POST.get("fmt", ""),
            filters=QueryDict(request.POST.get("filters", "")),
        )
    except once.AlreadySent as sent:
        messages.info(request, sent.message)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Export #{job.pk} started: it is listed below until done.")
    return redirect("desk-exports")


@require_GET
@desk_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = export_jobs.jobs_of(request.user).filter(pk=pk).first()
    path = export_jobs.file_path(job) if job else None
    if path is None:
        raise Http404("No finished export of yours with that number.")
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=f"{job.kind}-{job.created_at:%Y%m%d-%H%M%S}.{job.fmt}",
        content_type=CONTENT_TYPES[job.fmt],
    )
