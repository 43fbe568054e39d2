"""load_articles as an operator uses it: every kind of bad input, --dry-run, --replace,
stdin, --async, HTML pages, --url and --outlet."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import replace as _replace
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims import services
from claims.loading import (
    CuratedClaim,
    InputError,
    Source,
    article_from_mapping,
    load_article,
    load_articles,
)
from claims.models import Article, Claim, SimilarClaim
from claims.services import ArticleInput
from reviews import services as workflow

pytestmark = pytest.mark.django_db

GOOD = "The minister said 35 countries abstained in the vote on Wednesday."


@pytest.fixture(autouse=True)
def tasks_run_in_process(monkeypatch):
    """--async and the linking task run in process, as on the embedded default, even in
    the PostgreSQL + Redis run (test_intake_worker.py uses a real worker)."""
    from factcheck.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def run(*args, stdin: bytes | None = None, monkeypatch=None):
    """call_command, returning (stdout, stderr, exit code)."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("load_articles", *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
    return out.getvalue(), err.getvalue(), code


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def article_json(text: str = GOOD, **fields) -> str:
    return json.dumps({"text": text, **fields})


# -- bad input -----------------------------------------------------------------------------

HTML_WITHOUT_ARTICLE = (
    "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a> "
    "<a href='/world'>World</a></nav><script>track()</script><footer>Share · Remove Ads"
    "</footer></body></html>"
)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("malformed.json", '{"text": "The minister said', "malformed JSON at line 1"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data"),
        ("binary.json", b'{"text": "a\x00b"}', "binary data"),
        ("page.html", HTML_WITHOUT_ARTICLE, "no article text in this HTML"),
        ("empty-text.json", article_json("   \n "), "'text' is empty"),
        ("bad-url.json", article_json(url="not a url"), "'not a url' is not an http(s) url"),
        ("ftp-url.json", article_json(url="ftp://files.example/a"), "is not an http(s) url"),
        ("bad-date.json", article_json(published="last Tuesday"), "'published' is not a date"),
    ],
)
def test_a_bad_file_gets_one_line_naming_it_and_the_good_files_still_load(
    tmp_path, name, content, problem
):
    first = write(tmp_path, "a-first.txt", f"First good\n{GOOD}")
    bad = write(tmp_path, name, content)
    last = write(tmp_path, "z-last.json", article_json(GOOD + " Again.", title="Last good"))

    out, err, code = run(first, bad, last)

    assert code == 1
    assert err.splitlines() == [err.splitlines()[0]], "exactly one error line"
    assert err.startswith(f"error: {bad}: ")
    assert problem in err
    assert set(Article.objects.values_list("title", flat=True)) == {"First good", "Last good"}
    assert "2 new" in out and "1 refused" in out


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, settings):
    settings.FACTCHECK_MAX_ARTICLE_BYTES = 500
    big = write(tmp_path, "big.txt", "Big\n" + GOOD * 20)
    small = write(tmp_path, "small.txt", f"Small\n{GOOD}")

    _, err, code = run(big, small)

    assert code == 1
    assert err.strip() == (
        f"error: {big}: the file is {big.stat().st_size:,} bytes, over the limit of 500 "
        "(FACTCHECK_MAX_ARTICLE_BYTES)"
    )
    assert list(Article.objects.values_list("title", flat=True)) == ["Small"]


def test_a_jsonl_with_one_broken_line_loads_the_others_and_names_the_line(tmp_path):
    lines = [
        article_json(GOOD, title="One"),
        '{"text": "broken',
        article_json(GOOD + " Also on Thursday.", title="Three"),
        "",
        article_json("", title="Five"),
        article_json(GOOD + " Later.", title="Six", url="notaurl"),
        article_json(GOOD + " And in 2023.", title="Seven"),
    ]
    feed = write(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")

    out, err, code = run(feed)

    assert code == 1
    assert err.splitlines() == [
        f"error: {feed}:2: malformed JSON: Unterminated string starting at (column 10)",
        f"error: {feed}:5: 'text' is empty",
        f"error: {feed}:6: 'notaurl' is not an http(s) url.",
    ]
    assert set(Article.objects.values_list("title", flat=True)) == {"One", "Three", "Seven"}
    assert f"{feed}:3: new" in out


def test_a_jsonl_line_over_the_size_limit_is_refused_alone(tmp_path, settings):
    settings.FACTCHECK_MAX_ARTICLE_BYTES = 300
    feed = write(
        tmp_path,
        "feed.jsonl",
        "\n".join(
            [
                article_json(GOOD, title="Fits"),
                article_json(GOOD * 10, title="Too long"),
                article_json(GOOD + " Again.", title="Fits too"),
            ]
        ),
    )
    _, err, code = run(feed)
    assert code == 1
    assert err.startswith(f"error: {feed}:2: the line is ")
    assert "over the limit of 300" in err
    assert set(Article.objects.values_list("title", flat=True)) == {"Fits", "Fits too"}


def test_a_binary_file_with_a_jsonl_name_is_one_error_not_one_per_line(tmp_path):
    blob = write(tmp_path, "blob.jsonl", b"\x00\x01\x02\n\x00\xff\n\x10\x00\n")
    _, err, code = run(blob)
    assert code == 1
    assert len(err.splitlines()) <= 3
    assert all("binary data" in line for line in err.splitlines())
    assert Article.objects.count() == 0


def test_a_bad_article_leaves_nothing_half_written(tmp_path):
    """The curated claims fail after the article row is written: all of it rolls back."""
    write(tmp_path, "a.json", article_json(GOOD, title="Half"))
    write(tmp_path, "a.claims.json", json.dumps([{"text": GOOD}, {"text": "Not there."}]))
    _, err, code = run(tmp_path / "a.json")
    assert code == 1 and "is not in the article" in err
    assert Article.objects.count() == 0 and Claim.objects.count() == 0


# -- html ----------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html><head>
<title>Khan visits Moscow | The Daily Ledger</title>
<meta property="og:title" content="Khan visits Moscow">
<meta property="og:site_name" content="The Daily Ledger">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2022-02-24T10:00:00Z">
<link rel="canonical" href="https://ledger.example/world/khan-moscow/">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav>
<article>
<h1>Khan visits Moscow</h1>
<p>Pakistan’s Prime Minister Imran Khan met Russian President Vladimir Putin in Moscow on
Thursday, the first visit by a Pakistani leader in 23 years.</p>
<p>The pair discussed the $2.5 billion Pakistan Stream gas pipeline, officials said.</p>
<p>Pakistan was one of 35 countries that abstained in the UN vote a week later.</p>
</article>
<aside>Share this article. Remove Ads. Sign up for our newsletter.</aside>
<script>window.tracker = 1;</script>
</body></html>"""


def test_an_html_page_loads_its_main_text_and_metadata(tmp_path):
    page = write(tmp_path, "khan.html", PAGE)
    _, err, code = run(page)
    assert (code, err) == (0, "")
    article = Article.objects.get()
    assert article.title == "Khan visits Moscow"
    assert article.outlet.name == "The Daily Ledger"
    assert article.byline == "Jane Roe"
    assert str(article.published) == "2022-02-24"
    assert article.url == "https://ledger.example/world/khan-moscow"
    assert "first visit by a Pakistani leader in 23 years" in article.body
    for furniture in ("Subscribe", "Remove Ads", "newsletter", "tracker", "Home"):
        assert furniture not in article.body
    texts = list(article.claims.values_list("text", flat=True))
    assert any("23 years" in text for text in texts)
    assert all(article.body[c.span_start : c.span_end] == c.text for c in article.claims.all())


# -- dry run -------------------------------------------------------------------------------


def test_dry_run_reports_what_would_happen_and_writes_nothing(
    tmp_path, django_capture_on_commit_callbacks
):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "one.txt", f"One\n{GOOD}")
    write(folder, "two.json", article_json(GOOD + " It was the first in 20 years.", title="Two"))

    with django_capture_on_commit_callbacks() as callbacks:
        out, err, code = run(folder, "--dry-run")

    assert (code, err) == (0, "")
    assert "would be new, 1 claims — One" in out
    assert "total: 2 new" in out and "(dry run: nothing written)" in out
    assert Article.objects.count() == Claim.objects.count() == 0
    assert callbacks == [], "no linking task is queued for claims that were rolled back"

    out_real, _, _ = run(folder)
    assert out_real.replace("would be ", "").split("total")[0] == out.split("total")[0].replace(
        "would be ", ""
    )


# -- replace -------------------------------------------------------------------------------

V1 = (
    "Khan in Moscow\n\n"
    "Imran Khan met Vladimir Putin in Moscow on February 24, the day the invasion began.\n\n"
    "It was the first visit by a Pakistani prime minister in 20 years.\n\n"
    "The pair discussed a $2.5 billion gas pipeline, officials said.\n\n"
    "Pakistan was one of 35 countries that abstained in the UN vote.\n"
)
V2 = V1.replace("in 20 years", "in 23 years").replace(
    "Pakistan was one of 35", "Later, Pakistan was one of 35"
) + ("\nKhan told reporters that trade with Russia rose by 12 percent in 2021.\n")
URL = "https://ledger.example/khan"


def claim_with(fragment: str) -> Claim:
    return Claim.objects.get(text__contains=fragment)


def test_same_url_with_new_text_is_a_conflict_that_keeps_the_stored_text(tmp_path):
    run(write(tmp_path, "v1.json", article_json(V1, url=URL, title="Khan")))
    before = list(Claim.objects.order_by("pk").values_list("pk", "text"))

    out, _, code = run(write(tmp_path, "v2.json", article_json(V2, url=URL, title="Khan")))

    assert code == 0
    assert "conflict, 0 claims" in out and "--replace" in out
    assert Article.objects.get().body == V1
    assert list(Claim.objects.order_by("pk").values_list("pk", "text")) == before


def test_replace_takes_the_new_text_and_keeps_what_people_worked_on(
    tmp_path, reviewer, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(write(tmp_path, "v1.json", article_json(V1, url=URL, title="Khan")))
    article = Article.objects.get()
    reviewed = claim_with("$2.5 billion")
    dismissed = claim_with("February 24")
    untouched = claim_with("20 years")
    moved = claim_with("35 countries")
    workflow.take(claim_id=reviewed.pk, actor=reviewer)
    workflow.dismiss(claim_id=dismissed.pk, actor=editor, reason="Not checkable")
    start = V1.index("the day the invasion began")
    manual = services.add_manual_claim(
        article_id=article.pk, actor=editor, start=start, end=start + 26
    )
    # A decided link on a claim nobody reviewed: the decision is people's work too.
    other = load_article(
        Source(
            where="other",
            data=article_from_mapping(
                {
                    "text": "Pakistan was one of 35 countries that abstained in the UN vote, "
                    "the ministry said.",
                    "url": "https://other.example/x",
                },
                "other",
            ),
        ),
        link=None,
    ).article.claims.get()
    link = SimilarClaim.objects.create(
        from_claim=min(moved, other, key=lambda c: c.pk),
        to_claim=max(moved, other, key=lambda c: c.pk),
        score=0.8,
    )
    services.decide_similarity(link_id=link.pk, actor=editor, decision="confirmed")

    with django_capture_on_commit_callbacks(execute=True):
        out, err, code = run(
            write(tmp_path, "v2.json", article_json(V2, url=URL, title="Khan")), "--replace"
        )

    assert (code, err) == (0, "")
    assert "replaced" in out
    article.refresh_from_db()
    assert article.body == V2
    # The machine's unreviewed claim of the old text is gone; the new text's are there.
    assert not Claim.objects.filter(pk=untouched.pk).exists()
    assert article.claims.filter(text__contains="23 years").exists()
    assert article.claims.filter(text__contains="12 percent").exists()
    # Kept, and moved to where their text now stands.
    for kept in (reviewed, dismissed, manual, moved):
        fresh = Claim.objects.get(pk=kept.pk)
        assert fresh.article_id == article.pk
        assert article.body[fresh.span_start : fresh.span_end] == fresh.text
    assert Claim.objects.get(pk=reviewed.pk).status == Claim.Status.IN_REVIEW
    assert Claim.objects.get(pk=dismissed.pk).status == Claim.Status.DISMISSED
    assert Claim.objects.get(pk=moved.pk).span_start > moved.span_start
    link.refresh_from_db()
    assert link.decision == SimilarClaim.Decision.CONFIRMED
    # The extractor did not add a second claim over a kept span.
    assert article.claims.filter(text__contains="February 24").count() == 1
    assert article.claims.filter(text__contains="35 countries").count() == 1

    # Replacing with the same text again changes nothing.
    snapshot = list(Claim.objects.order_by("pk").values_list("pk", "span_start", "status"))
    out, _, _ = run(tmp_path / "v2.json", "--replace")
    assert "unchanged" in out
    assert list(Claim.objects.order_by("pk").values_list("pk", "span_start", "status")) == (
        snapshot
    )


def test_replace_keeps_a_reviewed_claim_the_new_text_no_longer_contains(tmp_path, reviewer):
    run(write(tmp_path, "v1.json", article_json(V1, url=URL)))
    reviewed = claim_with("20 years")
    workflow.take(claim_id=reviewed.pk, actor=reviewer)

    out, _, _ = run(write(tmp_path, "v2.json", article_json(V2, url=URL)), "--replace")

    reviewed.refresh_from_db()
    assert reviewed.article is None and reviewed.span_start is None
    assert reviewed.source_url == URL
    assert reviewed.status == Claim.Status.IN_REVIEW
    assert "no longer in the text" in out


# -- stdin, --url, --outlet, --async -------------------------------------------------------


def test_stdin_as_json_lines(monkeypatch):
    feed = "\n".join(
        [article_json(GOOD, title="A"), "{oops", article_json(GOOD + " Again.", title="B")]
    )
    out, err, code = run("-", stdin=feed.encode(), monkeypatch=monkeypatch)
    assert code == 1
    assert (
        err.strip() == "error: <stdin>:2: malformed JSON: Expecting property name enclosed "
        "in double quotes (column 2)"
    )
    assert set(Article.objects.values_list("title", flat=True)) == {"A", "B"}
    assert "<stdin>:1: new" in out and "<stdin>:3: new" in out


def test_stdin_as_one_pretty_printed_document(monkeypatch):
    document = json.dumps({"title": "Pretty", "text": GOOD}, indent=2).encode()
    _, err, code = run("-", "--outlet", "Wire", stdin=document, monkeypatch=monkeypatch)
    assert (code, err) == (0, "")
    article = Article.objects.get()
    assert (article.title, article.outlet.name) == ("Pretty", "Wire")


def test_url_and_outlet_from_the_command_line(tmp_path):
    page = write(tmp_path, "a.txt", f"Title\n{GOOD}")
    run(page, "--url", "HTTPS://Wire.Example/story/", "--outlet", "Wire")
    article = Article.objects.get()
    assert article.url == "https://wire.example/story"
    assert article.outlet.name == "Wire"


def test_a_bad_url_on_the_command_line_is_refused(tmp_path):
    page = write(tmp_path, "a.txt", f"Title\n{GOOD}")
    _, err, code = run(page, "--url", "wire dot example")
    assert code == 1
    assert err.strip() == f"error: {page}: 'wire dot example' is not an http(s) url."
    assert Article.objects.count() == 0


def test_url_is_refused_for_more_than_one_article(tmp_path):
    a = write(tmp_path, "a.txt", f"A\n{GOOD}")
    b = write(tmp_path, "b.txt", f"B\n{GOOD} Twice.")
    with pytest.raises(CommandError, match="--url names one article"):
        call_command("load_articles", str(a), str(b), "--url", "https://x.example/a")


def test_async_queues_each_article_and_the_task_loads_it(
    tmp_path, django_capture_on_commit_callbacks
):
    feed = write(
        tmp_path,
        "feed.jsonl",
        "\n".join([article_json(GOOD, title="A"), "nope", article_json(GOOD + " B.", title="B")]),
    )
    # Each article is an outbox message, run (in process here) once its row commits.
    with django_capture_on_commit_callbacks(execute=True):
        out, err, code = run(feed, "--async")
    assert code == 1 and f"{feed}:2" in err
    assert "total: 2 queued, 1 refused" in out
    assert set(Article.objects.values_list("title", flat=True)) == {"A", "B"}
    assert Claim.objects.filter(article__title="A").exists()

    # Running the same tasks again (a redelivered message) changes nothing.
    before = Claim.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        run(feed, "--async")
    assert Article.objects.count() == 2 and Claim.objects.count() == before


def test_the_api_entry_point_refuses_bad_input_with_the_same_messages():
    from claims.loading import InputError

    with pytest.raises(InputError, match="'text' is empty"):
        article_from_mapping({"text": " "}, "request")
    with pytest.raises(InputError, match="is not an http"):
        article_from_mapping({"text": GOOD, "url": "javascript:alert(1)"}, "request")
    result = load_article(Source(where="request", data=article_from_mapping({"text": GOOD}, "r")))
    assert result.outcome == "new" and result.claims_created == 1


def test_jobs_finds_the_same_claims_in_worker_processes(tmp_path):
    lines = [
        article_json(
            f"Report {n}\n\n{GOOD} It was the first visit in {n + 20} years.", title=f"R{n}"
        )
        for n in range(7)
    ]
    feed = write(tmp_path, "feed.jsonl", "\n".join([*lines[:3], "{bad", *lines[3:]]))

    out_parallel, err, code = run(feed, "--jobs", "2", "--dry-run")
    out_serial, _, _ = run(feed, "--dry-run")

    assert code == 1 and f"{feed}:4" in err
    assert out_parallel == out_serial
    assert "total: 7 new" in out_parallel


def _report(sentences: int, seed: int) -> Source:
    body = "\n\n".join(
        f"Exports to {10 + n} countries rose by {n + seed} percent in {1990 + n}."
        for n in range(sentences)
    )
    return Source(where=f"r{seed}", data=ArticleInput(text=f"Trade report {seed}\n\n{body}\n"))


def test_an_article_with_300_claims_takes_a_handful_more_queries_than_one_with_2():
    """Claims and their history rows go in multi-row INSERTs, not a statement per claim:
    the statements are cut into power-of-two sizes (bounded statement shapes), so 300
    claims (256 + 32 + 8 + 4) take three more statements each than 2 do. On PostgreSQL
    they go by COPY, a statement a table (after one for the new ids) for any number."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        result = load_article(_report(2, 1), link=None)
    assert result.claims_created == 2
    with CaptureQueriesContext(connection) as large:
        result = load_article(_report(300, 2), link=None)
    assert result.claims_created == 300
    more = 0 if connection.vendor == "postgresql" else 2 * 3
    assert len(large) == len(small) + more
    assert all(claim.history.count() == 1 for claim in result.article.claims.all())


def _articles(count: int, first: int = 0) -> list[Source]:
    return [
        Source(
            where=f"feed:{n}",
            data=article_from_mapping(
                {
                    "url": f"https://feed.example/{n}",
                    "outlet": f"Outlet {first}-{n % 3}",
                    "text": f"Report {n}\n\nThe minister said {n + 10} countries abstained "
                    f"in the vote on {n % 28 + 1} March, the first in {n + 2} years.\n",
                },
                f"feed:{n}",
            ),
        )
        for n in range(first, first + count)
    ]


def test_a_batch_of_articles_takes_the_same_queries_for_3_or_30_articles():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        results = list(load_articles(_articles(3), link=None))
    assert [r.outcome for r in results] == ["new"] * 3
    with CaptureQueriesContext(connection) as large:
        # 30 claims: 16 + 8 + 4 + 2, against 3: 2 + 1; two more INSERTs for claims and
        # two for their history rows, and none more for 27 more articles (3 new outlets
        # each time).
        results = list(load_articles(_articles(30, first=100), link=None))
    assert [r.outcome for r in results] == ["new"] * 30
    # On PostgreSQL (COPY) not even those.
    assert len(large) == len(small) + (0 if connection.vendor == "postgresql" else 2 * 2)
    assert Article.objects.count() == 33 and Claim.objects.count() == 33
    article = Article.objects.get(url="https://feed.example/107")
    assert article.outlet.name == "Outlet 100-2"
    claim = article.claims.get()
    assert claim.text == article.body[claim.span_start : claim.span_end]
    assert claim.claim_date == article.published and claim.history.count() == 1


def test_a_long_load_runs_a_bounded_number_of_distinct_statements():
    """The database driver caches every distinct statement it prepares (sqlite3 keeps
    128), so an INSERT for every row count seen made a bulk load's memory grow with its
    length: claims go in with statements of a few fixed shapes (on PostgreSQL, one query
    for their new ids, then COPY)."""
    from django.db import connection

    shapes: set[str] = set()

    def record(execute, sql, params, many, context):
        if sql.startswith(('INSERT INTO "claims_claim"', "SELECT nextval")):
            shapes.add(sql)
        return execute(sql, params, many, context)

    # Articles of 1 to 40 claims, one a batch: 40 different row counts.
    with connection.execute_wrapper(record):
        results = list(
            load_articles([_report(n, 1000 + n) for n in range(1, 41)], link=None, batch=1)
        )
    assert sum(r.claims_created for r in results) == 820
    # 1, 2, 4, 8, 16 and 32 rows; on PostgreSQL the one query for new ids.
    assert len(shapes) == (1 if connection.vendor == "postgresql" else 6)


def test_one_bad_article_in_a_batch_is_refused_alone_and_the_others_are_stored():
    sources = _articles(5)
    bad = Source(
        where="feed:bad",
        data=article_from_mapping({"text": "A short note.\n", "title": "Bad"}, "feed:bad"),
        curated=(CuratedClaim(text="This sentence is not in the note."),),
    )
    sources.insert(2, bad)
    results = list(load_articles(sources, link=None))
    assert isinstance(results[2], InputError)
    assert "feed:bad" in str(results[2]) and "is not in the article" in str(results[2])
    assert [r.outcome for i, r in enumerate(results) if i != 2] == ["new"] * 5
    assert Article.objects.count() == 5 and not Article.objects.filter(title="Bad").exists()
    assert Claim.objects.count() == 5


@pytest.fixture
def poisoned_claim():
    """A database trigger that refuses one claim row: an error from the database itself
    (on PostgreSQL from inside the COPY of a batch's claims), which no check of ours sees."""
    from django.db import connection

    table = Claim._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION fc_poison_claim() RETURNS trigger AS $$ BEGIN "
                "IF NEW.text LIKE '%%13 countries%%' THEN RAISE EXCEPTION 'poisoned claim'; "
                "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER fc_poison_claim BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION fc_poison_claim()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER fc_poison_claim BEFORE INSERT ON {table} "
                "WHEN NEW.text LIKE '%13 countries%' "
                "BEGIN SELECT RAISE(ABORT, 'poisoned claim'); END"
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS fc_poison_claim ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS fc_poison_claim()")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS fc_poison_claim")


def test_a_claim_the_database_refuses_refuses_its_article_alone(poisoned_claim):
    # Article 3's claim reads "... 13 countries abstained ...".
    results = list(load_articles(_articles(5), link=None))
    assert isinstance(results[3], InputError)
    assert "feed:3" in str(results[3]) and "poisoned claim" in str(results[3])
    assert [r.outcome for i, r in enumerate(results) if i != 3] == ["new"] * 4
    assert Article.objects.count() == 4 and Claim.objects.count() == 4
    assert not Article.objects.filter(url="https://feed.example/3").exists()
    assert all(claim.history.count() == 1 for claim in Claim.objects.all())


def test_a_batch_reports_repeats_within_it_as_unchanged_or_conflict():
    first, again = _articles(1) + _articles(1)
    changed = Source(
        where="feed:changed",
        data=_replace(first.data, text=first.data.text + "\nA line added later.\n"),
    )
    results = list(load_articles([first, again, changed], link=None))
    assert [r.outcome for r in results] == ["new", "unchanged", "conflict"]
    assert Article.objects.count() == 1


def test_a_batch_queues_linking_once_for_all_its_new_claims(
    django_capture_on_commit_callbacks,
):
    batches: list[list[int]] = []
    with django_capture_on_commit_callbacks(execute=True):
        results = list(load_articles(_articles(4), link=batches.append))
    assert len(batches) == 1
    assert sorted(batches[0]) == sorted(pk for r in results for pk in r.claim_ids)
    assert len(batches[0]) == 4


def test_claims_inserted_in_bulk_are_stored_as_the_orm_stores_them():
    """The bulk INSERT prepares values itself (skipping get_db_prep_save for plain ones):
    its rows, and their history rows, hold exactly what Claim.objects.create and
    simple_history would have written."""
    from datetime import date

    from django.db import connection

    article = services.create_article(
        data=ArticleInput(
            text="Lead.\n\nKhan said 35 countries abstained on 2 March.\n",
            published=date(2022, 3, 3),
        )
    )
    claimant = services.get_or_create_claimant(name="Imran Khan", role="Prime Minister")
    text = "Khan said 35 countries abstained on 2 March."
    start = article.body.index(text)
    fields = dict(
        text=text,
        span_start=start,
        span_end=start + len(text),
        claimant=claimant,
        checkworthiness=0.875,
        checkworthiness_reasons=["number", "date", "attribution"],
        origin=Claim.Origin.EXTRACTED,
        claim_date=date(2022, 3, 3),
    )
    [bulk_id] = services.add_claims(
        article=article,
        claims=[
            services.ClaimInput(
                text=text,
                start=start,
                end=start + len(text),
                claimant=claimant,
                checkworthiness=0.875,
                reasons=("number", "date", "attribution"),
            )
        ],
    )
    # The same claim at another span (the span is unique per article).
    orm = Claim.objects.create(article=article, **{**fields, "span_start": 0, "span_end": 5})

    def row(table: str, key: str, pk: int) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table} WHERE {key} = %s", [pk])  # noqa: S608
            names = [c[0] for c in cursor.description]
            values = dict(zip(names, cursor.fetchone(), strict=True))
        skip = {"id", "history_id", "history_date", "created_at", "updated_at"}
        skip |= {"span_start", "span_end", "history_change_reason", "search_vector"}
        return {name: value for name, value in values.items() if name not in skip}

    assert row("claims_claim", "id", bulk_id) == row("claims_claim", "id", orm.pk)
    assert row("claims_historicalclaim", "id", bulk_id) == row(
        "claims_historicalclaim", "id", orm.pk
    )
