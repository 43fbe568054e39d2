"""Public output names no desk account: whatever an anonymous reader gets (every API GET
of the schema, the ClaimReview feed, the public pages) shows the organisation and its
public byline, never a desk member's username or user id. Desk members still see who
wrote, proposed and approved a verdict."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from reviews import services
from tests.conftest import client_for
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db

# Ids no claim, verdict or rating of this test reaches, so finding one means a user's.
PEOPLE = {
    "reviewer": (987001, "rita-deskname", "Reviewer"),
    "editor": (987002, "eddie-deskname", "Editor"),
    "approver": (987003, "edna-deskname", "Editor"),
}


@pytest.fixture
def desk(settings):
    settings.FACTCHECK_ORG_NAME = "Example Checks"
    settings.FACTCHECK_PUBLIC_BYLINE = "The Example Checks team"
    people = {
        role: UserFactory(id=pk, username=name, role=group)
        for role, (pk, name, group) in PEOPLE.items()
    }
    rating = RatingFactory(slug="false")
    claims = []
    for reopen in (False, True):
        claim = ClaimFactory()
        services.take(claim_id=claim.pk, actor=people["reviewer"])
        EvidenceFactory(claim=claim, added_by=people["reviewer"])
        services.save_verdict_draft(
            claim_id=claim.pk, actor=people["reviewer"], rating=rating, summary="W.", rationale="C."
        )
        # The editor writes part of it; another editor approves.
        services.save_verdict_draft(
            claim_id=claim.pk,
            actor=people["editor"],
            rating=rating,
            summary="Wrong.",
            rationale="Count.",
        )
        services.propose(claim_id=claim.pk, actor=people["reviewer"])
        services.publish(claim_id=claim.pk, actor=people["approver"])
        if reopen:
            services.reopen(claim_id=claim.pk, actor=people["editor"], reason="A new figure.")
        claims.append(claim)
    return people, claims


def _leaks(text: str, people: dict) -> list[str]:
    found = []
    for user in people.values():
        if user.get_username() in text:
            found.append(user.get_username())
        if re.search(rf"\b{user.pk}\b", text):
            found.append(str(user.pk))
    return found


def _anonymous_urls(client: Client, claims) -> list[str]:
    schema = client.get("/api/v1/schema/?format=json").json()
    urls = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        if "{id}" in path and "claims/" not in path:
            continue  # desk-only objects (articles, evidence, webhooks): 401 whatever the id
        for claim in claims:
            urls.append(
                path.replace("{claim_id}", str(claim.pk))
                .replace("{id}", str(claim.pk))
                .replace("{kind}.{fmt}", "verdicts.csv")
            )
    for claim in claims:
        urls += [f"/claims/{claim.pk}/", f"/api/v1/claims/{claim.pk}/claimreview/"]
    return [*dict.fromkeys(urls), "/checks/", "/api/v1/claimreview/", "/api/v1/claims/"]


def test_anonymous_readers_never_see_a_desk_account(desk):
    people, claims = desk
    anon = Client()
    read = 0
    for url in _anonymous_urls(anon, claims):
        response = anon.get(url, HTTP_ACCEPT="*/*")
        assert response.status_code < 500, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert _leaks(text, people) == [], (url, response.status_code)
        read += response.status_code == 200
    assert read >= 8

    verdicts = anon.get(f"/api/v1/claims/{claims[0].pk}/verdicts/").json()["results"]
    assert len(verdicts) == 1
    verdict = verdicts[0]
    assert verdict["published_by"] == {
        "name": "Example Checks",
        "byline": "The Example Checks team",
    }
    assert verdict["author"] is None and verdict["approver"] is None
    assert verdict["proposed_by"] is None and verdict["contributors"] == []
    page = anon.get(f"/claims/{claims[0].pk}/").content.decode()
    assert "Example Checks" in page


def test_a_signed_in_outsider_sees_no_desk_account_either(desk):
    people, claims = desk
    outsider = client_for(UserFactory(username="otto"))
    response = outsider.get(f"/api/v1/claims/{claims[0].pk}/verdicts/")
    assert response.status_code == 200
    assert _leaks(response.content.decode(), people) == []


def test_desk_members_still_see_who_wrote_proposed_and_approved(desk):
    people, claims = desk
    response = client_for(people["reviewer"]).get(f"/api/v1/claims/{claims[0].pk}/verdicts/")
    verdict = response.json()["results"][0]
    assert verdict["author"] == {"id": 987001, "username": "rita-deskname"}
    assert verdict["proposed_by"]["username"] == "rita-deskname"
    assert verdict["approver"] == {"id": 987003, "username": "edna-deskname"}
    assert [c["user"]["username"] for c in verdict["contributors"]] == [
        "rita-deskname",
        "eddie-deskname",
    ]
