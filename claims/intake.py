"""Articles from the desk's browser: a pasted text or an uploaded file (.txt, .json, .html)
with its url, outlet, date and byline, read and stored by the loader (claims.loading) as
`manage.py load_articles` reads and stores a file: the same parsing, the same checks, the
same refusals (InputError, one line naming what is wrong).

Extraction takes about a second per 100,000 characters (measured: 0.9 s for 100 kB, 5.4 s
for 500 kB, 20 s for the 2 MB cap), so an article up to FACTCHECK_INTAKE_BACKGROUND_CHARS
is loaded while the page waits, and a longer one goes to the worker through the outbox,
with an ArticleIntake row the page polls for its progress and outcome.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from dataclasses import replace as _replace
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.loading import (
    HTML_SUFFIXES,
    InputError,
    LoadResult,
    Source,
    article_from_mapping,
    load_article,
    max_article_bytes,
    read_path,
    source_to_payload,
    validated,
    with_overrides,
)
from claims.models import ArticleIntake
from claims.selectors import is_staff_member
from factcheck.errors import DomainError

PASTED = "pasted text"
# One article per upload: a .jsonl of many is `load_articles`' work, not a form's.
UPLOAD_SUFFIXES = (".txt", ".json", *HTML_SUFFIXES)
LOAD_TASK = "claims.tasks.load_intake"
# Extraction's measured pace, for the progress page's estimate (see the module docstring).
CHARACTERS_PER_SECOND = 100_000


class IntakeNotPermitted(DomainError):
    http_status = 403
    code = "not_permitted"


@dataclass(frozen=True)
class Details:
    """What the form says about the article; each, when given, wins over the file's own."""

    url: str = ""
    outlet: str = ""
    byline: str = ""
    published: date | None = None
    title: str = ""


@dataclass(frozen=True)
class Submitted:
    """The outcome of a submission: loaded now (`result`) or queued (`intake`)."""

    result: LoadResult | None = None
    intake: ArticleIntake | None = None


def may_add_articles(user) -> bool:
    """Editors; reviewers too when the desk allows it (FACTCHECK_REVIEWERS_ADD_ARTICLES)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.has_perm("claims.add_article"):
        return True
    return settings.FACTCHECK_REVIEWERS_ADD_ARTICLES and is_staff_member(user)


def _over_limit(size: int, what: str) -> str:
    return (
        f"the {what} is {size:,} bytes, over the limit of {max_article_bytes():,} "
        "(FACTCHECK_MAX_ARTICLE_BYTES)"
    )


def source_from_text(text: str, details: Details) -> Source:
    """A pasted article, read as the loader reads a JSON object with these fields."""
    size = len(text.encode("utf-8"))
    if size > max_article_bytes():
        raise InputError(PASTED, _over_limit(size, "text"))
    data = article_from_mapping(
        {
            "text": text,
            "title": details.title or text.strip().partition("\n")[0].strip()[:500],
            "url": details.url or None,
            "outlet": details.outlet or None,
            "byline": details.byline,
            "published": details.published.isoformat() if details.published else None,
        },
        PASTED,
    )
    return Source(where=PASTED, data=data)


def source_from_upload(name: str, chunks, size: int, details: Details) -> Source:
    """An uploaded file, read by the loader's own `read_path` (type, size, text or binary,
    HTML's main text, JSON's fields, a .txt's title line), then the form's details."""
    name = Path(name or "upload").name or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InputError(
            name,
            f"unsupported file type {Path(name).suffix or '(none)'!r} "
            "(upload one article as .txt, .json or .html)",
        )
    if size > max_article_bytes():
        raise InputError(name, _over_limit(size, "file"))
    with tempfile.TemporaryDirectory(prefix="factcheck-intake-") as folder:
        # A fixed name with the upload's suffix: the person's file name never reaches
        # the file system, and no .claims.json can stand beside it.
        path = Path(folder) / f"article{suffix}"
        with path.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        items = list(read_path(path))
    if len(items) != 1:  # read_path yields one item for one file
        raise InputError(name, "the file holds no article")
    item = items[0]
    if isinstance(item, InputError):
        raise InputError(name, item.problem)
    source = with_overrides(item, url=details.url or None, outlet=details.outlet or None)
    if isinstance(source, InputError):
        raise InputError(name, source.problem)
    data = _replace(
        source.data,
        byline=details.byline or source.data.byline,
        published=details.published or source.data.published,
        title=details.title or source.data.title,
    )
    return _replace(source, where=name, data=validated(data, name))


def submit_article(*, source: Source, actor) -> Submitted:
    """Load the article now, or queue it for the worker when it is long; a refusal is an
    InputError (the loader's), IntakeNotPermitted for someone who may not add articles."""
    if not may_add_articles(actor):
        raise IntakeNotPermitted("Only an editor can add articles on this desk.")
    if len(source.data.text) <= settings.FACTCHECK_INTAKE_BACKGROUND_CHARS:
        return Submitted(result=load_article(source))
    return Submitted(intake=queue_article(source=source, actor=actor))


@transaction.atomic
def queue_article(*, source: Source, actor) -> ArticleIntake:
    """An ArticleIntake row and its outbox message, in one transaction."""
    from factcheck.outbox import enqueue

    intake = ArticleIntake.objects.create(
        submitted_by=actor,
        where=source.where[:300],
        title=source.data.title,
        characters=len(source.data.text),
    )
    enqueue(LOAD_TASK, intake_id=intake.pk, payload=source_to_payload(source))
    return intake


def run_intake(*, intake_id: int, payload: dict) -> str:
    """The worker's side of queue_article: load the article, record the outcome. Safe to
    run twice (a finished intake is left alone; loading again is a no-op)."""
    from claims.loading import source_from_payload

    taken = ArticleIntake.objects.filter(
        pk=intake_id, state__in=[ArticleIntake.State.QUEUED, ArticleIntake.State.RUNNING]
    ).update(state=ArticleIntake.State.RUNNING, started_at=timezone.now())
    if not taken:
        return "finished already"
    try:
        result = load_article(source_from_payload(payload))
    except InputError as error:
        ArticleIntake.objects.filter(pk=intake_id).update(
            state=ArticleIntake.State.REFUSED, problem=error.problem, finished_at=timezone.now()
        )
        return f"refused: {error.problem}"
    ArticleIntake.objects.filter(pk=intake_id).update(
        state=ArticleIntake.State.DONE,
        article=result.article,
        outcome=result.outcome,
        claims_created=result.claims_created,
        finished_at=timezone.now(),
    )
    return result.line()


def expected_seconds(intake: ArticleIntake) -> int:
    """About how long finding the claims of this intake takes (the measured pace)."""
    return max(1, round(intake.characters / CHARACTERS_PER_SECOND))
