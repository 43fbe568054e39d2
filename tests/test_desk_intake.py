"""Articles from the desk's browser (pasted or uploaded, through the loader) and a claim
from a selected passage: what is stored, the loader's refusals on the page, who may, and
a long article loaded in the background with its progress."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Article, ArticleIntake, Claim, Claimant
from factcheck.outbox.models import Message
from factcheck.outbox.services import run_message
from tests.conftest import desk_client
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NEW = "/desk/articles/new/"
TEXT = (
    "Pakistan and Russia sign a trade deal\n"
    "Prime Minister Imran Khan said on Thursday that 35 countries abstained on the vote. "
    "The weather in Islamabad was mild. "
    "Inflation rose to 12.7 percent in January, the Pakistan Bureau of Statistics said."
)


@pytest.fixture
def desk(editor):
    return desk_client(editor)


@pytest.fixture
def client():
    """Posts carry the one-time token their form's page would have drawn."""
    return desk_client()


def paste(client, text=TEXT, **fields):
    return client.post(NEW, {"text": text, **fields})


def upload(client, name: str, content: bytes, **fields):
    return client.post(NEW, {"file": SimpleUploadedFile(name, content), **fields})


def problem(response) -> str:
    found = re.search(
        r'<div class="alert alert-error" role="alert">\s*<p><strong>Not loaded.</strong> (.*?)</p>',
        response.text,
        re.S,
    )
    assert found, response.text[:3000]
    return html.unescape(found.group(1))


def test_a_pasted_article_is_stored_and_its_claims_shown_on_its_page(desk):
    response = paste(
        desk,
        url="https://news.example/pakistan-russia",
        outlet="Dawn",
        byline="Staff reporter",
        published="2022-02-24",
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/articles/{article.pk}/"
    assert article.title == "Pakistan and Russia sign a trade deal"
    assert article.outlet.name == "Dawn" and article.byline == "Staff reporter"
    assert article.published.isoformat() == "2022-02-24"
    assert article.url == "https://news.example/pakistan-russia"
    claims = list(Claim.objects.filter(article=article))
    assert claims, "the extractor found nothing"
    for claim in claims:
        assert article.body[claim.span_start : claim.span_end] == claim.text
    page = desk.get(response["Location"])
    assert f"claim{'s' if len(claims) != 1 else ''} found" in page.text
    for claim in claims:
        assert f'id="claim-{claim.pk}"' in page.text
    # Through the loader: its outbox message links the new claims.
    assert Message.objects.filter(task="claims.tasks.link_similar_claims").exists()


def test_uploaded_txt_json_and_html_are_read_as_the_loader_reads_files(desk):
    upload(desk, "story.txt", TEXT.encode(), outlet="Dawn")
    txt = Article.objects.get(title="Pakistan and Russia sign a trade deal")
    assert txt.outlet.name == "Dawn"
    body = {
        "url": "https://news.example/json",
        "title": "From JSON",
        "outlet": "The News",
        "published": "2022-03-02",
        "text": "Officials said 141 countries voted for the resolution on March 2.",
    }
    # The form's byline wins; the file's other fields stand.
    upload(desk, "story.json", json.dumps(body).encode(), byline="A. Writer")
    from_json = Article.objects.get(title="From JSON")
    assert from_json.outlet.name == "The News" and from_json.byline == "A. Writer"
    assert from_json.url == "https://news.example/json"
    page = (
        b"<html><head><title>A page</title></head><body><nav>Home | World</nav><article>"
        b"<h1>Budget day</h1><p>The finance minister said the deficit fell to 6.8 percent of "
        b"GDP last year, down from 7.9 percent.</p><p>Opposition leaders disputed the figures "
        b"in the National Assembly on Friday, saying 40 percent of spending was hidden.</p>"
        b"</article></body></html>"
    )
    response = upload(desk, "page.html", page, url="https://news.example/budget")
    from_html = Article.objects.get(url="https://news.example/budget")
    assert response["Location"] == f"/desk/articles/{from_html.pk}/"
    assert "deficit fell to 6.8 percent" in from_html.body
    assert "Home | World" not in from_html.body


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("report.pdf", b"%PDF-1.4", "report.pdf: unsupported file type '.pdf'"),
        ("notes.jsonl", b'{"text": "x"}\n', "notes.jsonl: unsupported file type '.jsonl'"),
        ("empty.txt", b"   \n", "empty.txt: the file is empty"),
        ("blob.txt", b"abc\x00\x01\x02", "blob.txt: binary data, not a text file"),
        ("latin.txt", "Caf\xe9 owners said 30 closed.".encode("latin-1"), "latin.txt: not UTF-8"),
        ("bad.json", b'{"text": ', "bad.json: malformed JSON at line 1"),
        ("notext.json", b'{"title": "x"}', "notext.json: missing field 'text'"),
        ("menu.html", b"<html><body><nav>a b</nav></body></html>", "menu.html: no article text"),
    ],
)
def test_the_loader_s_refusals_are_shown_on_the_page(desk, name, content, said):
    response = upload(desk, name, content)
    assert response.status_code == 400
    assert problem(response).startswith(said)
    assert not Article.objects.exists()


def test_the_size_cap_refuses_a_big_upload_and_a_big_paste(desk, settings):
    settings.FACTCHECK_MAX_ARTICLE_BYTES = 100
    response = upload(desk, "long.txt", b"Word " * 50)
    assert response.status_code == 400
    assert problem(response) == (
        "long.txt: the file is 250 bytes, over the limit of 100 (FACTCHECK_MAX_ARTICLE_BYTES)"
    )
    response = paste(desk, text="Word " * 50)
    assert response.status_code == 400 and "pasted text: the text is 250 bytes" in problem(response)
    assert not Article.objects.exists()


def test_bad_details_are_refused_with_the_loader_s_words(desk):
    response = paste(desk, url="ftp://news.example/x")
    assert response.status_code == 400
    assert problem(response) == "pasted text: 'ftp://news.example/x' is not an http(s) url."
    response = paste(desk, outlet="x" * 201)
    assert "The outlet is 201 characters, over the limit of 200." in problem(response)
    assert not Article.objects.exists()


def test_text_and_file_together_or_neither_is_a_form_error(desk):
    both = desk.post(NEW, {"text": TEXT, "file": SimpleUploadedFile("a.txt", b"x")})
    neither = desk.post(NEW, {"text": "  "})
    for response in (both, neither):
        assert response.status_code == 400
        assert "Paste the article&#x27;s text or upload its file (one)." in response.text
    assert not Article.objects.exists()


def test_the_same_text_again_changes_nothing_and_another_text_at_its_url_is_a_conflict(desk):
    paste(desk, url="https://news.example/same")
    article = Article.objects.get()
    again = paste(desk, url="https://news.example/same")
    assert again["Location"] == f"/desk/articles/{article.pk}/"
    assert "stored already" in desk.get(again["Location"]).text
    other = paste(
        desk, text="Another text entirely, said 3 people.", url="https://news.example/same"
    )
    assert other.status_code == 409
    assert f"another text is stored under this url (article #{article.pk})" in problem(other)
    assert f'href="/desk/articles/{article.pk}/"' in other.text
    assert Article.objects.count() == 1


def test_only_editors_add_articles_unless_the_desk_lets_reviewers(
    client, reviewer, outsider, settings
):
    assert client.get(NEW).status_code == 302  # to the login page
    client.force_login(outsider)
    assert paste(client).status_code == 403
    client.force_login(reviewer)
    assert client.get(NEW).status_code == 403
    assert paste(client).status_code == 403
    assert "Add an article" not in client.get("/desk/articles/").text
    settings.FACTCHECK_REVIEWERS_ADD_ARTICLES = True
    assert "Add an article" in client.get("/desk/articles/").text
    assert paste(client).status_code == 302
    assert Article.objects.count() == 1


def test_the_form_sent_twice_loads_once(desk):
    page = desk.get(NEW).text
    token = re.search(r'name="once" value="([^"]+)"', page).group(1)
    first = paste(desk, once=token)
    second = paste(desk, text=TEXT + " More.", once=token)
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"] == "/desk/articles/"
    assert Article.objects.count() == 1


def test_a_long_article_is_loaded_by_the_worker_and_its_progress_followed(
    desk, settings, django_capture_on_commit_callbacks
):
    settings.FACTCHECK_INTAKE_BACKGROUND_CHARS = 100
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        response = paste(desk)
    intake = ArticleIntake.objects.get()
    assert response["Location"] == f"/desk/articles/intake/{intake.pk}/"
    assert not Article.objects.exists()  # nothing stored while the page waited
    waiting = desk.get(response["Location"] + "?format=json").json()
    assert waiting["state"] == "queued" and not waiting["finished"]
    page = desk.get(response["Location"])
    assert "Waiting for the worker" in page.text and "data-intake-poll" in page.text
    # The worker runs the message the outbox handed over (here, its run, in process).
    assert handed_over  # the hand-over waits for the commit
    message = Message.objects.get(task="claims.tasks.load_intake")
    assert run_message(message.pk) == "done"
    done = desk.get(response["Location"] + "?format=json").json()
    article = Article.objects.get()
    assert done["state"] == "done" and done["finished"]
    assert done["article_url"] == f"/desk/articles/{article.pk}/"
    assert done["claims_created"] == article.claims.count() > 0
    # Run twice (a redelivery): nothing changes.
    from claims.tasks import load_intake

    assert load_intake(**message.kwargs) == "finished already"
    assert Article.objects.count() == 1


def test_a_queued_article_refused_by_the_loader_says_why(
    desk, settings, django_capture_on_commit_callbacks
):
    settings.FACTCHECK_INTAKE_BACKGROUND_CHARS = 100
    existing = ArticleFactory(url="https://news.example/taken")
    with django_capture_on_commit_callbacks(execute=False):
        response = paste(desk, url="https://news.example/taken")
    assert run_message(Message.objects.get(task="claims.tasks.load_intake").pk) == "done"
    progress = desk.get(response["Location"] + "?format=json").json()
    assert progress["state"] == "done" and progress["outcome"] == "conflict"
    assert "another text is stored" in desk.get(response["Location"]).text.lower()
    assert Article.objects.get() == existing


def test_progress_is_for_the_desk_only(client, outsider, editor):
    intake = ArticleIntake.objects.create(submitted_by=editor, where="x.txt", characters=10)
    url = f"/desk/articles/intake/{intake.pk}/"
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 403


# -- a claim from a selection -------------------------------------------------------------


BODY = "Intro. The minister said 35 countries abstained. Later, 35 countries abstained again."


def add(client, article, **fields):
    return client.post(f"/desk/articles/{article.pk}/claims/", fields)


def test_a_reviewer_adds_a_selected_passage_as_a_claim_with_its_exact_span(client, reviewer):
    article = ArticleFactory(body=BODY)
    client.force_login(reviewer)
    start = BODY.index("35 countries abstained again")
    text = "35 countries abstained again."
    response = add(
        client, article, text=text, start=start, end=start + len(text), claimant="The minister"
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/articles/{article.pk}/#claim-{claim.pk}"
    assert (claim.span_start, claim.span_end, claim.text) == (start, start + len(text), text)
    assert claim.origin == Claim.Origin.MANUAL and claim.status == Claim.Status.NEW
    assert claim.claimant.name == "The minister"
    assert claim.checkworthiness is not None


def test_a_selection_the_article_does_not_say_there_is_refused(client, reviewer):
    article = ArticleFactory(body=BODY)
    client.force_login(reviewer)
    response = add(client, article, text="35 countries abstained", start=0, end=22, claimant="X")
    assert response.status_code == 400
    assert "The selection is not the article&#x27;s text at that place" in response.text
    assert not Claim.objects.exists()
    assert not Claimant.objects.filter(name="X").exists()  # refused whole


def test_a_typed_passage_is_found_once_or_refused(client, reviewer):
    article = ArticleFactory(body=BODY)
    client.force_login(reviewer)
    twice = add(client, article, text="35 countries abstained")
    assert twice.status_code == 400 and "appears 2 times" in twice.text
    missing = add(client, article, text="40 countries abstained")
    assert missing.status_code == 400 and "not in the article as typed" in missing.text
    once_only = add(client, article, text="The minister said 35 countries abstained.")
    assert once_only.status_code == 302
    claim = Claim.objects.get()
    assert BODY[claim.span_start : claim.span_end] == "The minister said 35 countries abstained."
    again = add(client, article, text="The minister said 35 countries abstained.")
    assert again.status_code == 400 and "already a claim" in again.text
    assert Claim.objects.count() == 1


def test_only_the_desk_adds_claims_and_the_page_offers_the_form_to_it(client, reviewer, outsider):
    article = ArticleFactory(body=BODY)
    client.force_login(outsider)
    assert add(client, article, text="Intro.").status_code == 403
    client.force_login(reviewer)
    page = client.get(f"/desk/articles/{article.pk}/").text
    assert 'data-selection-for="article-text"' in page and 'id="article-text"' in page
    assert "<script>" not in page and "style=" not in page.split('id="add-claim"')[1]


def test_a_form_without_its_one_time_token_is_refused_and_nothing_stored(editor):
    from django.test import Client

    plain = Client()
    plain.force_login(editor)
    article = ArticleFactory(body=BODY)
    for response in (paste(plain), add(plain, article, text="Intro.")):
        assert response.status_code == 400
        assert "came without its one-time token, so nothing was changed" in response.text
    assert Article.objects.count() == 1 and not Claim.objects.exists()
