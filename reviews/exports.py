"""Exports of claims, verdicts and evidence as CSV and JSON Lines, streamed as UTF-8 bytes.

Each export is one query (`values`): the related names (article, outlet, claimant, the
published rating) come from joins, not from a query per row. On PostgreSQL the database
writes the text (`COPY (SELECT ...) TO STDOUT`, reviews.exports_sql); elsewhere Python
does, from `values_list(...).iterator(chunk_size=...)` (chunked fetches). Either way the
rows go out a chunk at a time, so an export of any length holds one chunk in memory and
there is no row cap; and both give the same bytes (tests/test_exports_copy.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connections
from django.db.models import FilteredRelation, Q, QuerySet

from claims.models import Claim
from reviews import exports_sql
from reviews.models import Verdict

CHUNK = 2000


@dataclass(frozen=True)
class Export:
    """One exportable table: its columns (name, ORM path) over a queryset."""

    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def header(self) -> list[str]:
        return [name for name, _ in self.columns]


CLAIMS = Export(
    "claims",
    (
        ("id", "id"),
        ("status", "status"),
        ("text", "text"),
        ("claimant", "claimant__name"),
        ("claimant_kind", "claimant__kind"),
        ("claim_date", "claim_date"),
        ("article_id", "article_id"),
        ("article_url", "article__url"),
        ("article_title", "article__title"),
        ("outlet", "article__outlet__name"),
        ("source_url", "source_url"),
        ("checkworthiness", "checkworthiness"),
        ("origin", "origin"),
        ("rating", "published__rating__slug"),
        ("verdict_summary", "published__summary"),
        ("published_at", "published__approved_at"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ),
)
VERDICTS = Export(
    "verdicts",
    (
        ("id", "id"),
        ("claim_id", "claim_id"),
        ("state", "state"),
        ("rating", "rating__slug"),
        ("rating_label", "rating__label"),
        ("rating_value", "rating__value"),
        ("summary", "summary"),
        ("rationale", "rationale"),
        ("correction_note", "correction_note"),
        ("supersedes_id", "supersedes_id"),
        ("proposed_at", "proposed_at"),
        ("approved_at", "approved_at"),
        ("created_at", "created_at"),
    ),
)
EVIDENCE = Export(
    "evidence",
    (
        ("id", "id"),
        ("claim_id", "claim_id"),
        ("url", "url"),
        ("title", "title"),
        ("publisher", "publisher"),
        ("quote", "quote"),
        ("kind", "kind"),
        ("stance", "stance"),
        ("created_at", "created_at"),
        ("archived_at", "archived_at"),
        ("archive_status", "archive_status"),
    ),
)
EXPORTS = {e.name: e for e in (CLAIMS, VERDICTS, EVIDENCE)}


def claims_for_export(claims: QuerySet[Claim]) -> QuerySet:
    """Claims with their published verdict joined (at most one: a unique constraint)."""
    return claims.annotate(
        published=FilteredRelation("verdicts", condition=Q(verdicts__state=Verdict.State.APPROVED))
    )


def values(export: Export, queryset: QuerySet) -> QuerySet:
    """The export's columns in id order: the one query both ways of writing it read."""
    if export is CLAIMS:
        queryset = claims_for_export(queryset)
    paths = [path for _, path in export.columns]
    return queryset.order_by("id").values_list(*paths)


def rows(export: Export, queryset: QuerySet) -> Iterator[tuple]:
    """The export's rows in id order, fetched a chunk at a time."""
    return values(export, queryset).iterator(chunk_size=CHUNK)


def _cell(value) -> object:
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _safe_csv(value):
    # A cell that a spreadsheet would run as a formula (=, +, -, @ first) is quoted with a
    # leading apostrophe: exported claims are text from the outside world.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _by_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def as_csv(export: Export, queryset: QuerySet, progress=None) -> Iterator[bytes]:
    """CSV (UTF-8) a chunk at a time; `progress(rows)` after each (a background job's).
    PostgreSQL writes it (COPY, reviews.exports_sql), elsewhere Python: the same bytes."""
    if _by_postgres(queryset):
        return exports_sql.as_csv(_header_line(export), values(export, queryset), progress, CHUNK)
    return csv_by_python(export, queryset, progress)


def as_jsonl(export: Export, queryset: QuerySet, progress=None) -> Iterator[bytes]:
    """JSON Lines (UTF-8) a chunk at a time; `progress(rows)` after each (a background
    job's). PostgreSQL writes it (COPY, reviews.exports_sql), elsewhere Python: the same
    bytes."""
    if _by_postgres(queryset):
        return exports_sql.as_jsonl(export.header, values(export, queryset), progress, CHUNK)
    return jsonl_by_python(export, queryset, progress)


def _header_line(export: Export) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(export.header)
    return buffer.getvalue().encode()


def csv_by_python(export: Export, queryset: QuerySet, progress=None) -> Iterator[bytes]:
    """The CSV row by row in Python: csv.writer's quoting (minimal), "\r\n" line ends,
    NULL as an empty cell, formula cells defused by `_safe_csv`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export.header)
    count = 0
    for count, row in enumerate(rows(export, queryset), start=1):
        writer.writerow([_safe_csv(_cell(v)) for v in row])
        if count % CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            if progress:
                progress(count)
    yield buffer.getvalue().encode()
    if progress:
        progress(count)


def jsonl_by_python(export: Export, queryset: QuerySet, progress=None) -> Iterator[bytes]:
    """The JSON Lines row by row in Python: one compact object a line, keys in column
    order, non-ASCII as is, NULL as null."""
    header = export.header
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    lines: list[str] = []
    count = 0
    for row in rows(export, queryset):
        lines.append(dumps(dict(zip(header, map(_cell, row), strict=True))))
        count += 1
        if len(lines) == CHUNK:
            yield ("\n".join(lines) + "\n").encode()
            lines = []
            if progress:
                progress(count)
    if lines:
        yield ("\n".join(lines) + "\n").encode()
    if progress:
        progress(count)


FORMATS = {
    "csv": (as_csv, "text/csv; charset=utf-8"),
    "jsonl": (as_jsonl, "application/x-ndjson; charset=utf-8"),
}
