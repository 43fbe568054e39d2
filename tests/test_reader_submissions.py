"""Readers ask the desk to check a claim: the public form and the API land a `new` claim
with its source url in the editors' triage list; bots are refused (honeypot, too fast,
a forged start), and so is one address past its limit; a reader who left an address gets
one mail, through the outbox, when the verdict is published."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.test import Client

from claims.models import Claim, ReaderSubmission
from claims.submissions import start_token
from factcheck.outbox.models import Message
from factcheck.outbox.services import run_message
from reviews import services
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FORM = "/submit/"
API = "/api/v1/submissions/"


def human_start() -> str:
    """The start token of a form opened a minute ago (a person's pace, without waiting)."""
    return start_token(now=time.time() - 60)


def send(client, **fields):
    data = {
        "text": "The new bridge cost 40 billion rupees.",
        "source_url": "https://social.example/p/1",
        "email": "",
        "website": "",
        "started": human_start(),
    } | fields
    return client.post(FORM, data)


def test_a_reader_s_claim_lands_new_with_its_source_url_in_the_triage_list(client, editor):
    form = client.get(FORM)
    assert form.status_code == 200 and 'name="started"' in form.text
    assert 'name="website"' in form.text and "style=" not in form.text
    response = send(client, email="reader@example.org")
    assert response.status_code == 302 and response["Location"] == "/submit/thanks/"
    claim = Claim.objects.get()
    assert claim.status == Claim.Status.NEW and claim.origin == Claim.Origin.SUBMITTED
    assert claim.article is None and claim.source_url == "https://social.example/p/1"
    assert claim.assignee is None and claim.checkworthiness is not None
    assert ReaderSubmission.objects.get(claim=claim).email == "reader@example.org"
    # The editors' triage list: the dashboard's queue and the claim list it opens.
    desk = Client()
    desk.force_login(editor)
    queue = desk.get("/").text.split('id="queue-h"')[1].split("</section>")[0]
    assert f'href="/desk/claims/{claim.pk}/"' in queue
    listed = desk.get("/desk/claims/?status=new&assignee=nobody").text
    assert f'href="/desk/claims/{claim.pk}/"' in listed
    # The address stays off the claim's page and the API.
    assert "reader@example.org" not in desk.get(f"/desk/claims/{claim.pk}/").text
    api = client_for(editor).get(f"/api/v1/claims/{claim.pk}/").json()
    assert "reader@example.org" not in str(api)


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"website": "https://spam.example"}, "a hidden field has a value"),
        ({"started": ""}, "start time is missing or not ours"),
        ({"started": "forged:token"}, "start time is missing or not ours"),
        ({"text": "  "}, "This field is required."),
        ({"source_url": "not a url"}, "is not an http(s) url"),
        ({"email": "not-an-address"}, "is not an email address"),
        ({"text": "x" * 1001}, "at most 1,000"),
    ],
)
def test_bots_and_bad_input_are_refused_with_a_message_and_nothing_stored(client, fields, said):
    response = send(client, **fields)
    assert response.status_code == 400
    assert said in response.content.decode().replace("&#x27;", "'")
    assert not Claim.objects.exists() and not ReaderSubmission.objects.exists()


def test_a_form_sent_at_once_is_refused_as_too_fast(client, settings):
    settings.FACTCHECK_SUBMIT_MIN_SECONDS = 3
    response = send(client, started=start_token())
    assert response.status_code == 400
    assert "faster than a person types" in response.text
    assert not Claim.objects.exists()
    # The form is drawn again with a fresh start time.
    assert 'name="started"' in response.text


def test_one_address_past_its_limit_is_refused_others_are_not(client, settings):
    settings.FACTCHECK_SUBMIT_LIMIT = 2
    for n in range(2):
        assert send(client, text=f"Claim {n} said 5 things.").status_code == 302
    refused = send(client, text="Claim 3 said 5 things.")
    assert refused.status_code == 429 and "more than 2 claims from one address" in refused.text
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert send(other, text="Claim 4 said 5 things.").status_code == 302
    assert Claim.objects.count() == 3


def test_behind_a_trusted_proxy_the_limit_counts_each_reader_not_the_proxy(settings):
    # Behind the proxy every request comes from its address: counted by REMOTE_ADDR, one
    # busy reader would use up everyone's limit, and the API's and the form's alike.
    settings.FACTCHECK_TRUSTED_PROXIES = 1
    settings.FACTCHECK_SUBMIT_LIMIT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert send(first, text="Claim 1 said 5 things.").status_code == 302
    assert send(first, text="Claim 2 said 5 things.").status_code == 429
    second = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert send(second, text="Claim 3 said 5 things.").status_code == 302
    api = client_for(None)
    over = api.post(
        API,
        {"text": "Again.", "source_url": "https://x.example/b", "started": human_start()},
        format="json",
        **proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert over.status_code == 429
    # A reader's own header in front of the proxy's entry changes nothing: the proxy's
    # entry, the last, is the one believed.
    forged = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    assert send(forged, text="Claim 4 said 5 things.").status_code == 429
    assert Claim.objects.count() == 2


def test_the_api_takes_the_same_submission_with_the_same_guards(settings):
    api = client_for(None)
    start = api.get(API).json()
    assert set(start) == {"started", "min_seconds"}
    settings.FACTCHECK_SUBMIT_MIN_SECONDS = 3
    too_fast = api.post(
        API,
        {
            "text": "Crime doubled.",
            "source_url": "https://x.example/a",
            "started": start["started"],
        },
        format="json",
    )
    assert too_fast.status_code == 400
    assert too_fast.json()["error"]["code"] == "submission_refused"
    honeypot = api.post(
        API,
        {
            "text": "Crime doubled.",
            "source_url": "https://x.example/a",
            "started": human_start(),
            "website": "x",
        },
        format="json",
    )
    assert honeypot.status_code == 400 and "website" in honeypot.json()["error"]["fields"]
    unknown = api.post(
        API,
        {"text": "a", "source_url": "https://x.example", "started": human_start(), "x": 1},
        format="json",
    )
    assert unknown.status_code == 400
    ok = api.post(
        API,
        {
            "text": "Crime doubled.",
            "source_url": "https://x.example/a",
            "started": human_start(),
            "email": "r@example.org",
        },
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    claim = Claim.objects.get(pk=ok.json()["id"])
    assert claim.status == "new" and claim.source_url == "https://x.example/a"
    settings.FACTCHECK_SUBMIT_LIMIT = 1
    over = api.post(
        API,
        {"text": "Again.", "source_url": "https://x.example/b", "started": human_start()},
        format="json",
    )
    assert over.status_code == 429 and over.json()["error"]["code"] == "too_many_submissions"


def _publish(claim, reviewer, editor, rating, *, correction: str = "") -> None:
    if correction:
        services.reopen(claim_id=claim.pk, actor=editor, reason="A new figure.")
    else:
        services.take(claim_id=claim.pk, actor=reviewer)
        services.add_evidence(
            claim_id=claim.pk, actor=reviewer, url="https://records.example/x", title="Record"
        )
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=reviewer,
        rating=rating,
        summary="It cost 28 billion.",
        rationale="The budget papers.",
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=editor, correction_note=correction)


def test_the_reader_gets_one_mail_when_the_verdict_is_published(
    client, reviewer, editor, rating, settings
):
    settings.FACTCHECK_SITE_URL = "https://checks.example"
    send(client, email="reader@example.org")
    send(client, text="Another claim said 3 things.")  # no address: no mail
    claim, quiet = Claim.objects.order_by("id")
    services.take(claim_id=quiet.pk, actor=reviewer)
    _publish(claim, reviewer, editor, rating)
    messages = Message.objects.filter(task="reviews.tasks.mail_reader_submitters")
    assert [m.kwargs for m in messages] == [{"claim_id": claim.pk}]
    mail.outbox.clear()
    for message in messages:
        run_message(message.pk)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["reader@example.org"]
    assert "False" in sent.body and f"https://checks.example/claims/{claim.pk}/" in sent.body
    assert "/admin/" not in sent.body
    # A correction published later, or the task run again: no second mail.
    _publish(claim, reviewer, editor, rating, correction="The figure was revised.")
    for message in Message.objects.filter(task="reviews.tasks.mail_reader_submitters"):
        run_message(message.pk)
    from reviews.tasks import mail_reader_submitters

    assert mail_reader_submitters(claim_id=claim.pk) == 0
    assert len(mail.outbox) == 1
