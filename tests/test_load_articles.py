"""manage.py load_articles: the seeds with their curated claims, idempotence, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import Article, Claim, Claimant

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "articles"


def load(*paths, expect_error=False):
    from io import StringIO

    out, err = StringIO(), StringIO()
    if expect_error:
        with pytest.raises(CommandError) as raised:
            call_command("load_articles", *map(str, paths), stdout=out, stderr=err)
        return out.getvalue(), err.getvalue(), raised.value
    call_command("load_articles", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), None


def curated(name: str) -> list[dict]:
    return json.loads((SEEDS / f"{name}.claims.json").read_text())


def test_seeds_load_with_their_curated_claims_at_exact_spans():
    out, err, _ = load(SEEDS)
    assert err == ""
    assert Article.objects.count() == 2
    desi = Article.objects.get(outlet__name="DESIblitz")
    assert desi.title == "What is Pakistan’s Stance on Russia invading Ukraine?"
    other = Article.objects.exclude(pk=desi.pk).get()
    assert other.outlet is None  # unknown, not invented

    for article, name in [
        (desi, "desiblitz-pakistan-stance-russia-ukraine"),
        (other, "pakistani-leader-refuses-to-condemn-russia"),
    ]:
        expected = curated(name)
        claims = list(article.claims.order_by("span_start"))
        assert len(claims) == len(expected)
        assert {c.text for c in claims} == {c["text"] for c in expected}
        for c in claims:
            assert article.body[c.span_start : c.span_end] == c.text
            assert c.status == Claim.Status.NEW and c.origin == Claim.Origin.CURATED
    assert (
        f"total: 2 new, 0 unchanged, 0 conflict, 0 replaced, 0 refused; {Claim.objects.count()}"
        in out
    )


@pytest.mark.parametrize(
    "fragment",
    [
        "first by a Pakistani Prime Minister in 20 years",
        "35 countries",
        "22 foreign heads of state",
        "$2.5 billion Pakistan Stream",
        "just days after the invasion began",
        "February 24",
        "both Pakistan and India joined with China",
    ],
)
def test_the_claims_the_desk_asked_for_are_in_the_seed_set(fragment):
    load(SEEDS)
    assert Claim.objects.filter(text__contains=fragment).count() == 1


def test_quoted_claims_carry_their_claimant():
    load(SEEDS)
    price = Claim.objects.get(text__contains="responsibility of every responsible country")
    assert price.claimant.name == "Ned Price"
    assert Claimant.objects.filter(name="Fawad Chaudhry").exists()


def test_loading_twice_changes_nothing():
    load(SEEDS)
    before = (Article.objects.count(), Claim.objects.count(), Claimant.objects.count())
    out, _, _ = load(SEEDS)
    assert (Article.objects.count(), Claim.objects.count(), Claimant.objects.count()) == before
    assert "total: 0 new, 2 unchanged" in out


def write(tmp_path, name, content) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("missing.json", json.dumps({"title": "No text"}), "missing field 'text'"),
        ("latin1.txt", "Caf\xe9 title\nBody".encode("latin-1"), "not UTF-8 text"),
        ("empty.txt", b"", "the file is empty"),
        ("broken.json", '{"text": "x",', "malformed JSON at line 1"),
    ],
)
def test_bad_files_get_one_clear_line_and_nothing_is_written(tmp_path, name, content, problem):
    bad = write(tmp_path, name, content)
    good = write(tmp_path, "good.txt", "A good title\nThe minister said 35 countries abstained.")
    _, err, error = load(bad, good, expect_error=True)
    assert err.strip() == f"error: {bad}: {problem}" or err.strip().startswith(
        f"error: {bad}: {problem}"
    )
    assert len(err.strip().splitlines()) == 1
    assert error.returncode == 1
    # The good file after the bad one still loaded, and only it.
    assert list(Article.objects.values_list("title", flat=True)) == ["A good title"]


def test_a_file_that_does_not_exist_is_named(tmp_path):
    _, err, _ = load(tmp_path / "nope.json", expect_error=True)
    assert err.strip() == f"error: {tmp_path / 'nope.json'}: no such file or folder"
    assert Article.objects.count() == 0


def test_a_curated_claim_not_in_the_text_refuses_the_whole_article(tmp_path):
    write(tmp_path, "a.json", json.dumps({"title": "T", "text": "Exactly 35 states abstained."}))
    write(
        tmp_path,
        "a.claims.json",
        json.dumps([{"text": "Exactly 35 states abstained."}, {"text": "Not in the article."}]),
    )
    _, err, _ = load(tmp_path / "a.json", expect_error=True)
    assert "is not in the article" in err
    assert Article.objects.count() == 0 and Claim.objects.count() == 0
