"""Exports in the background: started from the dashboard with its filters, written by the
outbox's task (in process here) a chunk at a time with its progress on the row, offered
to its owner for download; the same rows as the streamed export; nobody else's."""

from __future__ import annotations

import pytest
from django.test import Client

from reviews import export_jobs
from reviews.models import ExportJob
from tests.factories import ClaimFactory
from tests.test_claimreview_feed import build_desk

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def in_process(monkeypatch, settings, tmp_path):
    from factcheck.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.VAR_DIR = tmp_path


def desk_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_from(page: str) -> str:
    return page.split('name="once" value="')[1].split('"')[0]


def test_a_background_export_is_the_streamed_export_offered_for_download(
    reviewer, editor, other_editor
):
    world = build_desk(reviewer, editor, other_editor)
    client = desk_client(editor)
    dashboard = client.get("/", {"q": "minister", "status": "published"}, secure=True)
    page = dashboard.content.decode()
    assert 'action="/desk/exports/start/"' in page
    answer = client.post(
        "/desk/exports/start/",
        {
            "kind": "claims",
            "fmt": "csv",
            "filters": "search=minister&status=published",
            "once": token_from(page),
        },
        secure=True,
    )
    assert answer.status_code == 302 and answer["Location"] == "/desk/exports/"
    job = ExportJob.objects.get()
    assert job.owner == editor and job.filters == {"search": ["minister"], "status": ["published"]}
    assert job.state == "done"  # the outbox ran it after the commit
    assert job.rows_done == job.rows_total == 3 and job.percent == 100

    listing = client.get("/desk/exports/", secure=True).content.decode()
    assert f"/desk/exports/{job.pk}/download/" in listing and "3 of 3 rows" in listing
    assert 'http-equiv="refresh"' not in listing  # nothing left running
    download = client.get(f"/desk/exports/{job.pk}/download/", secure=True)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="claims-')
    got = b"".join(download.streaming_content)
    streamed = client.get(
        "/api/v1/exports/claims.csv", {"search": "minister", "status": "published"}, secure=True
    )
    assert got == b"".join(streamed.streaming_content)
    assert sorted(int(line.split(b",")[0]) for line in got.splitlines()[1:]) == sorted(
        world[k].pk for k in ("person", "office", "corrected")
    )


def test_progress_is_written_a_chunk_at_a_time(editor, monkeypatch):
    from reviews import exports

    monkeypatch.setattr(exports, "CHUNK", 4)
    for _ in range(10):
        ClaimFactory()
    seen = []
    record = export_jobs.record_progress

    def watching(job_id: int, rows: int) -> None:
        record(job_id, rows)
        seen.append(ExportJob.objects.get(pk=job_id).rows_done)  # stored as it goes

    monkeypatch.setattr(export_jobs, "record_progress", watching)
    job = export_jobs.start_export(actor=editor, kind="claims", fmt="jsonl")
    assert seen == [4, 8, 10]
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.state) == (10, 10, "done")
    assert export_jobs.file_path(job).read_text().count("\n") == 10


def test_a_job_is_its_owners_alone_and_outsiders_start_none(editor, reviewer, outsider):
    job = export_jobs.start_export(actor=editor, kind="claims", fmt="csv")
    assert desk_client(editor).get(f"/desk/exports/{job.pk}/download/").status_code == 200
    assert desk_client(reviewer).get(f"/desk/exports/{job.pk}/download/").status_code == 404
    assert f"#{job.pk}" not in desk_client(reviewer).get("/desk/exports/").content.decode()
    assert desk_client(outsider).get("/desk/exports/").status_code == 403
    assert Client().get("/desk/exports/").status_code == 302  # to the login page
    with pytest.raises(export_jobs.ExportRefused):
        export_jobs.start_export(actor=outsider, kind="claims", fmt="csv")
    answer = desk_client(outsider).post("/desk/exports/start/", {"kind": "claims", "fmt": "csv"})
    assert answer.status_code == 403
    assert ExportJob.objects.count() == 1


def test_bad_requests_are_a_message_not_a_job(editor):
    from reviews.desk import once

    client = desk_client(editor)
    for data, problem in (
        ({"kind": "secrets", "fmt": "csv"}, "No export of “secrets”"),
        ({"kind": "claims", "fmt": "xlsx"}, "No format “xlsx”"),
        ({"kind": "claims", "fmt": "csv", "filters": "status=eaten"}, "status:"),
        ({"kind": "claims", "fmt": "csv", "once": ""}, "without its one-time token"),
    ):
        data = {"once": once.issue(user=editor, purpose="export"), **data}
        answer = client.post("/desk/exports/start/", data, follow=True)
        assert answer.status_code == 200
        assert problem in answer.content.decode()
    assert ExportJob.objects.count() == 0


def test_a_job_whose_owner_lost_the_right_meanwhile_fails_with_the_reason(editor):
    job = export_jobs.start_export(actor=editor, kind="claims", fmt="csv")
    editor.groups.clear()
    ExportJob.objects.filter(pk=job.pk).update(state="pending")
    assert export_jobs.run_export(job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == "failed" and "Only desk members" in job.error
    assert export_jobs.file_path(job) is None
