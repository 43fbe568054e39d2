"""load_articles refuses the one bad article with one line naming the file, the line and
the field, and loads every good one; a database error on one article does not stop the
others; folders are walked once per real path; an interrupted load run again finishes,
links included."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from claims.models import Article, Claim, Claimant, SimilarClaim

pytestmark = pytest.mark.django_db

GOOD = "The minister said {n} countries abstained in the vote on Wednesday."


@pytest.fixture(autouse=True)
def tasks_run_in_process(monkeypatch):
    from factcheck.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("load_articles", *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
    return out.getvalue(), err.getvalue(), code


def good_folder(tmp_path, count=5):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(count):
        (folder / f"good{n}.json").write_text(
            json.dumps({"text": GOOD.format(n=n + 30), "url": f"https://good.example/{n}"})
        )
    return folder


def article(**fields):
    return json.dumps({"text": GOOD.format(n=99), "url": "https://bad.example/x", **fields})


BAD_ARTICLES = {
    "byline over 300": (
        article(byline="b" * 301),
        "byline is 301 characters, over the limit of 300",
    ),
    "outlet over 200": (
        article(outlet="o" * 201),
        "outlet is 201 characters, over the limit of 200",
    ),
    "language over 12": (article(language="l" * 13), "language is 13 characters, over the limit"),
    "url of 2,030": (
        article(url="https://bad.example/" + "p" * 2010),
        "url is 2,030 characters, over the limit of 2,000",
    ),
    "url not a url": (article(url="htp:/nowhere"), "is not an http(s) url"),
    "NUL in the title": (article(title="A\x00B"), "title contains a control character"),
    "control character in the byline": (article(byline="A\x1bB"), "byline contains a control"),
    "title over 500": (article(title="t" * 501), "title is 501 characters, over the limit of 500"),
    "impossible date": (article(published="2021-02-30"), "'published' is not a date"),
    "date of another type": (article(published=20210201), "'published' is not a date"),
}


@pytest.mark.parametrize("case", list(BAD_ARTICLES))
def test_one_bad_article_is_refused_with_one_line_and_the_good_ones_load(tmp_path, case):
    content, problem = BAD_ARTICLES[case]
    folder = good_folder(tmp_path)
    bad = folder / "bad.json"
    bad.write_text(content)

    out, err, code = run(folder)

    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {bad}: ") and problem in lines[0], lines[0]
    assert "Traceback" not in err
    assert Article.objects.count() == 5
    assert "total: 5 new, 0 unchanged, 0 conflict, 0 replaced, 1 refused" in out


def test_a_bad_line_of_a_jsonl_file_is_named_by_its_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            [
                json.dumps({"text": GOOD.format(n=1)}),
                json.dumps({"text": GOOD.format(n=2), "byline": "x" * 400}),
                json.dumps({"text": GOOD.format(n=3)}),
            ]
        )
    )
    _out, err, code = run(feed)
    assert code == 1
    assert err.strip() == (f"error: {feed}:2: The byline is 400 characters, over the limit of 300.")
    assert Article.objects.count() == 2


BAD_CURATED = {
    "occurrence not a number": (
        [{"text": "35 countries abstained", "occurrence": "x"}],
        "claim 1: 'occurrence' must be a whole number from 1: 'x'",
    ),
    "claimant as a string": (
        [{"text": "35 countries abstained", "claimant": "The minister"}],
        "claim 1: 'claimant' must be an object with a 'name', not str",
    ),
    "claimant named by a number": (
        [{"text": "35 countries abstained"}, {"text": "in the vote", "claimant": {"name": 7}}],
        "claim 2: 'claimant.name' must be a non-empty string",
    ),
    "claimant of an unknown kind": (
        [{"text": "35 countries abstained", "claimant": {"name": "X", "kind": "robot"}}],
        "claim 1: 'claimant.kind' must be one of",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CURATED))
def test_a_bad_claims_file_refuses_its_article_with_one_line(tmp_path, case):
    claims, problem = BAD_CURATED[case]
    folder = good_folder(tmp_path)
    (folder / "curated.json").write_text(article())
    sidecar = folder / "curated.claims.json"
    sidecar.write_text(json.dumps(claims))

    _out, err, code = run(folder)

    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {sidecar}: ") and problem in lines[0], lines[0]
    assert Article.objects.count() == 5
    assert not Claimant.objects.filter(name="X").exists()


def test_a_folder_that_links_to_itself_from_two_names_is_walked_once(tmp_path):
    folder = good_folder(tmp_path, count=2)
    os.symlink(folder, folder / "again.json")
    os.symlink(folder, folder / "more.json")
    os.symlink(folder / "good0.json", folder / "same.json")  # one file, two names

    out, err, code = run(folder, folder)

    assert (code, err) == (0, "")
    assert out.count(": new, ") == 2
    assert "total: 2 new, 0 unchanged" in out


def test_a_link_loop_is_one_line_not_an_endless_walk(tmp_path):
    folder = good_folder(tmp_path, count=1)
    os.symlink(folder / "b.json", folder / "a.json")
    os.symlink(folder / "a.json", folder / "b.json")

    _out, err, code = run(folder)

    assert code == 1
    assert len(err.strip().splitlines()) == 2  # a.json and b.json, once each
    assert Article.objects.count() == 1


@pytest.fixture
def poisoned_title():
    """A database trigger that refuses one article: a database error the loader's own
    checks cannot foresee (a real one, from the real database)."""
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION fc_poison() RETURNS trigger AS $$ BEGIN "
                "IF NEW.title = 'poison' THEN RAISE EXCEPTION 'poisoned row'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER fc_poison BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION fc_poison()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER fc_poison BEFORE INSERT ON {table} "
                "WHEN NEW.title = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END"
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS fc_poison ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS fc_poison()")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS fc_poison")


def test_a_database_error_on_one_article_does_not_stop_the_others(tmp_path, poisoned_title):
    folder = good_folder(tmp_path)
    bad = folder / "poison.json"
    bad.write_text(article(title="poison"))

    _out, err, code = run(folder)

    assert code == 1
    assert err.strip().startswith(f"error: {bad}: the database refused it:"), err
    assert "poisoned row" in err and len(err.strip().splitlines()) == 1
    assert Article.objects.count() == 5
    assert Claim.objects.filter(article__title="poison").count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_load_run_again_finishes_links_included(tmp_path):
    from tests.faults import ROOT, database_url
    from tests.test_faults import _feed, pair_links

    feed = tmp_path / "feed.jsonl"
    _feed(feed, 400)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": "",
        # A run killed mid-task holds its lease this long (half the timeout).
        "FACTCHECK_TASK_VISIBILITY_TIMEOUT": "2",
    }
    command = [sys.executable, "manage.py", "load_articles", str(feed)]
    first = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    printed = 0
    for line in first.stdout:
        printed += ": new, " in line
        if printed >= 150:  # the second batch of 100 is being stored or linked
            break
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    stored = Article.objects.count()
    assert 150 <= stored < 400

    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    assert again.returncode == 0, again.stderr[-2000:]
    assert f"total: {400 - stored} new, {stored} unchanged" in again.stdout
    assert Article.objects.count() == 400
    assert Claim.objects.count() == 400
    assert Claim.objects.filter(linked_at__isnull=True).count() == 0
    # Each pair of articles restates one claim: all 200 pairs linked, none missing.
    assert pair_links() == 200
    links = SimilarClaim.objects.count()
    print(
        f"\nFIGURES interrupted load: killed after {stored} stored, rerun loaded 400, {links} links"
    )
