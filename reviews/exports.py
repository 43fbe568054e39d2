"""Exports of claims, verdicts and evidence as CSV and JSON Lines, streamed.

Rows are read with `values_list(...).iterator(chunk_size=...)` (a server-side cursor on
PostgreSQL, chunked fetches on SQLite) and written a chunk at a time, so an export of any
length holds one chunk in memory and there is no row cap. Each export is one query: the
related names (article, outlet, claimant, the published rating) come from joins, not from
a query per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import FilteredRelation, Q, QuerySet

from claims.models import Claim
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


def rows(export: Export, queryset: QuerySet) -> Iterator[tuple]:
    """The export's rows in id order, fetched a chunk at a time."""
    if export is CLAIMS:
        queryset = claims_for_export(queryset)
    paths = [path for _, path in export.columns]
    return queryset.order_by("id").values_list(*paths).iterator(chunk_size=CHUNK)


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


def as_csv(export: Export, queryset: QuerySet, progress=None) -> Iterator[str]:
    """CSV text a chunk at a time; `progress(rows)` after each (a background job's)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export.header)
    count = 0
    for count, row in enumerate(rows(export, queryset), start=1):
        writer.writerow([_safe_csv(_cell(v)) for v in row])
        if count % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if progress:
                progress(count)
    yield buffer.getvalue()
    if progress:
        progress(count)


def as_jsonl(export: Export, queryset: QuerySet, progress=None) -> Iterator[str]:
    """JSON Lines a chunk at a time; `progress(rows)` after each (a background job's)."""
    header = export.header
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    lines: list[str] = []
    count = 0
    for row in rows(export, queryset):
        lines.append(dumps(dict(zip(header, map(_cell, row), strict=True))))
        count += 1
        if len(lines) == CHUNK:
            yield "\n".join(lines) + "\n"
            lines = []
            if progress:
                progress(count)
    if lines:
        yield "\n".join(lines) + "\n"
    if progress:
        progress(count)


FORMATS = {
    "csv": (as_csv, "text/csv; charset=utf-8"),
    "jsonl": (as_jsonl, "application/x-ndjson; charset=utf-8"),
}
