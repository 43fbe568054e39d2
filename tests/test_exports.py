"""Exports of claims, verdicts and evidence: streamed CSV and JSON Lines for the desk, the
claim list's filters applied, one query whatever the length, nobody else let in."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for
from tests.factories import ArticleFactory, ClaimFactory, RatingFactory
from tests.test_claimreview_feed import build_desk

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response))))


def jsonl_rows(response) -> list[dict]:
    return [json.loads(line) for line in body(response).splitlines()]


@pytest.fixture
def world(reviewer, editor, other_editor):
    return build_desk(reviewer, editor, other_editor)


def test_the_desk_exports_every_claim_with_its_published_rating(world, reviewer):
    client = client_for(reviewer)
    response = client.get("/api/v1/exports/claims.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="claims-')
    rows = {int(r["id"]): r for r in csv_rows(response)}
    assert set(rows) == {c.pk for c in world.values()}
    person = rows[world["person"].pk]
    assert (person["status"], person["rating"], person["claimant"]) == (
        "published",
        "false",
        "Amina Yusuf",
    )
    assert rows[world["office"].pk]["claimant_kind"] == "organization"
    assert rows[world["corrected"].pk]["rating"] == "misleading"  # the current verdict only
    assert (rows[world["unpublished"].pk]["status"], rows[world["unpublished"].pk]["rating"]) == (
        "in_review",
        "",
    )
    as_json = {r["id"]: r for r in jsonl_rows(client.get("/api/v1/exports/claims.jsonl"))}
    assert as_json[world["person"].pk]["claim_date"] == "2026-03-01"
    assert as_json[world["unpublished"].pk]["rating"] is None
    assert set(as_json) == set(rows)


def test_the_list_s_filters_apply_to_claims_verdicts_and_evidence(world, editor):
    client = client_for(editor)
    published = csv_rows(client.get("/api/v1/exports/claims.csv", {"status": "published"}))
    assert len(published) == 3
    rated = jsonl_rows(client.get("/api/v1/exports/claims.jsonl", {"rating": "misleading"}))
    assert [r["id"] for r in rated] == [world["corrected"].pk]
    verdicts = jsonl_rows(client.get("/api/v1/exports/verdicts.jsonl", {"rating": "misleading"}))
    # Both verdicts of the corrected claim: the superseded one and the correction.
    assert sorted(v["state"] for v in verdicts) == ["approved", "superseded"]
    assert {v["claim_id"] for v in verdicts} == {world["corrected"].pk}
    corrected = next(v for v in verdicts if v["state"] == "approved")
    assert corrected["correction_note"] == "Index revised."
    evidence = csv_rows(client.get("/api/v1/exports/evidence.csv", {"status": "published"}))
    assert {int(e["claim_id"]) for e in evidence} == {
        world[k].pk for k in ("person", "office", "corrected")
    }


def test_outsiders_and_the_public_get_no_export(world, outsider):
    for client in (client_for(), client_for(outsider)):
        response = client.get("/api/v1/exports/claims.csv")
        assert response.status_code in (401, 403)
        assert response.json()["error"]["code"]


def test_bad_filters_and_unknown_exports_are_refused_in_the_api_format(world, editor):
    client = client_for(editor)
    bad = client.get("/api/v1/exports/claims.csv", {"created_after": "yesterday"})
    assert bad.status_code == 400 and "created_after" in bad.json()["error"]["fields"]
    missing = client.get("/api/v1/exports/users.csv")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/exports/claims.xlsx").status_code == 404


def test_a_cell_a_spreadsheet_would_run_is_defused_in_csv_only(editor):
    article = ArticleFactory(body='Intro. =HYPERLINK("http://evil.example") is true. End.')
    claim = ClaimFactory(article=article, text='=HYPERLINK("http://evil.example") is true.')
    client = client_for(editor)
    [row] = csv_rows(client.get("/api/v1/exports/claims.csv"))
    assert row["text"] == "'" + claim.text
    [line] = jsonl_rows(client.get("/api/v1/exports/claims.jsonl"))
    assert line["text"] == claim.text


def test_an_export_is_one_query_whatever_its_length(editor):
    rating = RatingFactory()
    assert rating.pk
    client = client_for(editor)
    client.get("/api/v1/exports/claims.csv")  # warm the permission cache
    counts = []
    for extra in (1, 60):
        for _ in range(extra):
            ClaimFactory()
        with CaptureQueriesContext(connection) as queries:
            rows = csv_rows(client.get("/api/v1/exports/claims.csv"))
        assert len(rows) >= extra
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_dashboard_s_export_link_carries_its_search_and_status(world, editor):
    from django.test import Client

    client = Client()
    client.force_login(editor)
    page = client.get("/", {"q": "minister", "status": "published"}, secure=True)
    assert page.status_code == 200
    href = "/api/v1/exports/claims.csv?search=minister&amp;status=published"
    assert href in page.content.decode()
    # Every claim here stands in one article, which the search reads too: all published.
    rows = csv_rows(client.get(href.replace("&amp;", "&"), secure=True))
    assert sorted(int(r["id"]) for r in rows) == sorted(
        world[k].pk for k in ("person", "office", "corrected")
    )
    in_review = client.get("/", {"status": "in_review"}, secure=True).content.decode()
    href = "/api/v1/exports/claims.jsonl?status=in_review"
    assert href in in_review
    rows = jsonl_rows(client.get(href, secure=True))
    assert [r["id"] for r in rows] == [world["unpublished"].pk]
    everything = client.get("/", secure=True).content.decode()
    assert 'href="/api/v1/exports/claims.csv" download' in everything
