"""Desk forms are accepted once: the second send of one form (a double click, a resent
request) changes nothing and says so; a forged, foreign or expired token is refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim
from reviews import services
from reviews.desk import once
from reviews.models import Evidence

pytestmark = pytest.mark.django_db

EVIDENCE = {
    "url": "https://records.example/un",
    "title": "UN record",
    "kind": "other",
    "stance": "context",
}


def token_from(page, action_url: str) -> str:
    """The one-time token of the form that posts to `action_url`, as a browser would send it."""
    form = re.search(rf'<form[^>]*action="{re.escape(action_url)}".*?</form>', page, re.S).group(0)
    return re.search(r'name="once" value="([^"]+)"', form).group(1)


def test_the_same_evidence_form_sent_twice_adds_one_record(claim, reviewer):
    services.take(claim_id=claim.pk, actor=reviewer)
    client = Client()
    client.force_login(reviewer)
    url = reverse("desk-claim-evidence", args=[claim.pk])
    token = token_from(client.get(reverse("desk-claim", args=[claim.pk])).text, url)
    first = client.post(url, {**EVIDENCE, "once": token})
    second = client.post(url, {**EVIDENCE, "once": token}, follow=True)
    assert first.status_code == 302
    assert Evidence.objects.filter(claim=claim).count() == 1
    assert "This form was already sent; it was not sent again." in second.text
    # A fresh page draws a fresh token: a second record on purpose goes through.
    again = token_from(client.get(reverse("desk-claim", args=[claim.pk])).text, url)
    assert again != token
    client.post(url, {**EVIDENCE, "title": "Another record", "once": again})
    assert Evidence.objects.filter(claim=claim).count() == 2


def test_a_workflow_button_pressed_twice_acts_once(claim, reviewer):
    client = Client()
    client.force_login(reviewer)
    url = reverse("desk-claim-action", args=[claim.pk])
    token = token_from(client.get(reverse("desk-claim", args=[claim.pk])).text, url)
    data = {"action": "take", "version": claim.version, "once": token}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data, follow=True)
    assert "already sent" in second.text
    assert Claim.objects.get(pk=claim.pk).transitions.count() == 1


@pytest.mark.parametrize("kind", ["forged", "foreign user", "other form", "expired"])
def test_a_token_that_is_not_this_forms_is_refused_and_the_form_kept(
    claim, reviewer, other_reviewer, kind, monkeypatch
):
    services.take(claim_id=claim.pk, actor=reviewer)
    purpose = f"evidence:{claim.pk}"
    token = {
        "forged": "not-a-token",
        "foreign user": once.issue(user=other_reviewer, purpose=purpose),
        "other form": once.issue(user=reviewer, purpose=f"verdict:{claim.pk}"),
        "expired": once.issue(user=reviewer, purpose=purpose),
    }[kind]
    if kind == "expired":
        monkeypatch.setattr(once, "MAX_AGE", timedelta(seconds=-1))
    client = Client()
    client.force_login(reviewer)
    response = client.post(
        reverse("desk-claim-evidence", args=[claim.pk]),
        {**EVIDENCE, "title": "Typed with care", "once": token},
    )
    assert response.status_code == 400
    assert "Typed with care" in response.text  # nothing typed is lost
    assert not Evidence.objects.exists()


def test_a_bulk_form_sent_twice_runs_once(editor):
    from tests.test_desk_lists import many_claims

    claims = many_claims(3)
    client = Client()
    client.force_login(editor)
    token = token_from(client.get("/desk/claims/").text, "/desk/claims/bulk/")
    data = {"action": "take", "claim": [c.pk for c in claims], "once": token}
    client.post("/desk/claims/bulk/", data)
    second = client.post("/desk/claims/bulk/", data, follow=True)
    assert "already sent" in second.text
    assert Claim.objects.filter(assignee=editor).count() == 3
    assert sum(c.transitions.count() for c in Claim.objects.all()) == 3


def test_spent_tokens_past_their_age_are_forgotten(reviewer):
    token = once.issue(user=reviewer, purpose="x")
    once.spend(token, user=reviewer, purpose="x")
    assert once.forget_expired() == 0
    from reviews.desk.models import SpentFormToken

    SpentFormToken.objects.update(spent_at=SpentFormToken.objects.get().spent_at - once.MAX_AGE * 2)
    assert once.forget_expired() == 1
