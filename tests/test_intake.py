"""load_articles as an operator uses it: every kind of bad input, --dry-run, --replace,
stdin, --async, HTML pages, --url and --outlet."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims import services
from claims.loading import Source, article_from_mapping, load_article
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


def test_async_queues_each_article_and_the_task_loads_it(tmp_path):
    feed = write(
        tmp_path,
        "feed.jsonl",
        "\n".join([article_json(GOOD, title="A"), "nope", article_json(GOOD + " B.", title="B")]),
    )
    out, err, code = run(feed, "--async")
    assert code == 1 and f"{feed}:2" in err
    assert "total: 2 queued, 1 refused" in out
    assert set(Article.objects.values_list("title", flat=True)) == {"A", "B"}
    assert Claim.objects.filter(article__title="A").exists()

    # Running the same tasks again (a redelivered message) changes nothing.
    before = Claim.objects.count()
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


def test_loading_an_article_takes_the_same_queries_for_2_or_20_claims(
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        result = load_article(_report(2, 1), link=None)
    assert result.claims_created == 2
    with django_assert_num_queries(len(small)):
        result = load_article(_report(20, 2), link=None)
    assert result.claims_created == 20
    assert all(claim.history.count() == 1 for claim in result.article.claims.all())
