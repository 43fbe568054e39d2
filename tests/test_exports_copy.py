"""On PostgreSQL the exports are written by COPY (reviews.exports_sql); they are the bytes
the Python path (reviews.exports.csv_by_python / jsonl_by_python) writes, cell for cell,
for cells chosen to trip either: spreadsheet formulas, quotes, commas, newlines, CR,
tabs, non-ASCII, empty strings, NULLs, whole and tiny floats, round and fractional
timestamps, withdrawn and superseded verdicts. On SQLite the Python path is the only
one: there the same cells are checked against what they must read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from reviews import export_jobs, exports, services
from reviews.models import Evidence, Verdict
from tests.conftest import client_for
from tests.factories import ClaimantFactory, ClaimFactory, EvidenceFactory, RatingFactory
from tests.test_claimreview_feed import publish

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"
UTC = dt.UTC

NASTY = {
    "formula": '=HYPERLINK("http://evil.example","x")',
    "plus": "+44 20 7946 0958 called",
    "minus": "-12% in a year",
    "at": "@everyone said so",
    "tab": "\tindented",
    "cr": "\rcarriage",
    "comma": "wages, rents and prices",
    "quotes": 'he said "a record", twice',
    "newlines": "line one\nline two\r\nline three",
    "unicode": "Zürich — 東京 🙂 naïve “curly” \u2028 and \x7f",
    "control": "bell\x07 and escape\x1b",
    "backslash": "a\\b \\n not a newline",
    "apostrophe": "'already quoted",
    "spaces": "  padded  ",
}


@pytest.fixture
def nasty(reviewer, editor, other_editor):
    """Claims whose text, claimant, dates and floats are each an edge; one published with
    a rating, one corrected (a superseded verdict), one withdrawn, with evidence."""
    fine = RatingFactory(label="Half, true", slug="half-comma", value=3)
    plain = RatingFactory(
        label='"False"', slug="quoted-false", value=None, best_value=None, worst_value=None
    )
    odd = ClaimantFactory(name='=cmd|"/c calc"!A1', kind="organization")
    made = {}
    floats = [None, 0.0, 1.0, 0.25, 1e-05, 0.0001, 0.1 + 0.2, 1 / 3]
    for i, (key, text) in enumerate(NASTY.items()):
        claim = ClaimFactory(claimant=odd if i % 3 == 0 else None)
        Claim.objects.filter(pk=claim.pk).update(
            text=text,
            source_url="" if i % 2 else "https://x.example/?a=1,b=2",
            checkworthiness=floats[i % len(floats)],
            claim_date=None if i % 2 else dt.date(2026, 2, 28),
            # Whole seconds, and microseconds that are not: isoformat differs.
            created_at=dt.datetime(2026, 3, 1, 12, 0, i, tzinfo=UTC),
            updated_at=dt.datetime(2026, 3, 1, 12, 0, i, 5 * i, tzinfo=UTC),
        )
        made[key] = claim
    for key in ("formula", "quotes", "unicode"):
        publish(made[key], reviewer=reviewer, editor=editor, rating=fine, summary=NASTY[key])
    services.reopen(claim_id=made["quotes"].pk, actor=other_editor, reason="New figures.")
    services.save_verdict_draft(
        claim_id=made["quotes"].pk,
        actor=reviewer,
        rating=plain,
        summary='-1 now, "revised"\nsee note',
        rationale="@desk: read the table.\r\n",
    )
    services.propose(claim_id=made["quotes"].pk, actor=reviewer)
    services.publish(claim_id=made["quotes"].pk, actor=editor, correction_note="+ revised")
    services.withdraw(claim_id=made["unicode"].pk, actor=editor, note="Sources gone.")
    EvidenceFactory(
        claim=made["comma"], quote=NASTY["newlines"], title=NASTY["formula"], publisher=""
    )
    Evidence.objects.filter(claim=made["comma"]).update(
        archived_at=dt.datetime(2026, 3, 2, tzinfo=UTC), archive_status=200
    )
    return made


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


@pytest.mark.parametrize("kind", ["claims", "verdicts", "evidence"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": ["published", "dismissed"], "created_after": ["2026-01-01"]},
        {"search": ["wages"]},  # a subquery of claims for verdicts and evidence
        {"search": ['it\'s 100% "odd"']},  # bound into the statement as a literal
    ],
)
def test_the_database_s_export_is_the_python_export_byte_for_byte(
    nasty, editor, kind, fmt, filters
):
    queryset = export_jobs.export_queryset(editor, kind, filters)
    write, by_python = {
        "csv": (exports.as_csv, exports.csv_by_python),
        "jsonl": (exports.as_jsonl, exports.jsonl_by_python),
    }[fmt]
    with CaptureQueriesContext(connection) as queries:
        written = b"".join(write(exports.EXPORTS[kind], queryset))
    expected = b"".join(by_python(exports.EXPORTS[kind], queryset))
    copies = [q["sql"] for q in queries if q["sql"].startswith("COPY")]
    assert len(copies) == (1 if POSTGRES else 0)
    assert written == expected
    answer = client_for(editor).get(f"/api/v1/exports/{kind}.{fmt}", filters)
    assert b"".join(answer.streaming_content) == expected
    rows = (
        [json.loads(line) for line in written.split(b"\n")[:-1]]  # not str.splitlines: U+2028
        if fmt == "jsonl"
        else _csv(written)[1:]
    )
    assert len(rows) == queryset.count()
    assert rows or "search" in filters


def test_the_cells_read_as_the_python_rules_say(nasty):
    data = b"".join(exports.as_csv(exports.CLAIMS, Claim.objects.all()))
    assert data.startswith(b"id,status,text,claimant,claimant_kind,claim_date,")
    assert data.count(b"\r\n") == 1 + len(NASTY) + 1  # header, rows, the CRLF inside a cell
    header, *rows = _csv(data)
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    cell = {key: by_id[claim.pk] for key, claim in nasty.items()}
    for key in ("formula", "plus", "minus", "at", "tab", "cr"):
        assert cell[key]["text"] == "'" + NASTY[key]
    for key in ("comma", "quotes", "newlines", "unicode", "control", "backslash", "spaces"):
        assert cell[key]["text"] == NASTY[key]
    assert cell["apostrophe"]["text"] == NASTY["apostrophe"]
    assert cell["formula"]["claimant"] == "'" + '=cmd|"/c calc"!A1'
    assert b'"he said ""a record"", twice"' in data
    assert b'"line one\nline two\r\nline three"' in data
    assert (cell["formula"]["checkworthiness"], cell["plus"]["checkworthiness"]) == ("", "0.0")
    assert cell["minus"]["checkworthiness"] == "1.0"
    assert cell["tab"]["checkworthiness"] == "1e-05"
    assert cell["formula"]["created_at"] == "2026-03-01T12:00:00Z"
    assert cell["plus"]["updated_at"] == "2026-03-01T12:00:01.000005Z"
    assert (cell["formula"]["claim_date"], cell["plus"]["claim_date"]) == ("2026-02-28", "")
    assert cell["plus"]["source_url"] == "" and b",,," in data  # empty strings and NULLs
    assert (cell["formula"]["rating"], cell["formula"]["verdict_summary"]) == (
        "half-comma",
        "'" + NASTY["formula"],
    )
    assert cell["quotes"]["rating"] == "quoted-false"  # the correction
    assert (cell["unicode"]["status"], cell["unicode"]["rating"]) == ("dismissed", "")

    verdicts = _csv(b"".join(exports.as_csv(exports.VERDICTS, Verdict.objects.all())))
    header, *rows = verdicts
    states = sorted(dict(zip(header, row, strict=True))["state"] for row in rows)
    assert states == ["approved", "approved", "superseded", "withdrawn"]
    labels = {dict(zip(header, row, strict=True))["rating_label"] for row in rows}
    assert labels == {"Half, true", '"False"'}

    lines = b"".join(exports.as_jsonl(exports.CLAIMS, Claim.objects.all())).decode()
    objects = {item["id"]: item for item in map(json.loads, lines.split("\n")[:-1])}
    item = objects[nasty["control"].pk]
    assert item["text"] == NASTY["control"]
    assert '"text":"bell\\u0007 and escape\\u001b"' in lines
    assert f'"text":"{NASTY["unicode"]}"' in lines  # non-ASCII as is
    assert objects[nasty["formula"].pk]["text"] == NASTY["formula"]  # JSON: no apostrophe
    assert objects[nasty["formula"].pk]["checkworthiness"] is None
    assert objects[nasty["tab"].pk]["checkworthiness"] == 1e-05
    assert objects[nasty["plus"].pk]["source_url"] == ""
    assert objects[nasty["plus"].pk]["claim_date"] is None


def test_a_reader_that_stops_midway_leaves_the_connection_usable(nasty, editor, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for write in (exports.as_csv, exports.as_jsonl):
        stream = write(exports.CLAIMS, Claim.objects.all())
        next(stream)
        next(stream)
        stream.close()  # the client went away
        assert Claim.objects.count() == len(NASTY)
    queryset = export_jobs.export_queryset(editor, "claims", {})
    assert b"".join(exports.as_csv(exports.CLAIMS, queryset)) == b"".join(
        exports.csv_by_python(exports.CLAIMS, queryset)
    )
