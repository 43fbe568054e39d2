"""The workflow in the Django admin, driven with the test client as the demo accounts
would: a reviewer proposes and cannot publish, an editor publishes; refusals are messages
or form errors, never server errors; status is never a form field."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from claims.models import Claim
from reviews import services
from reviews.models import Evidence, Transition, Verdict
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _staff(reviewer, other_reviewer, editor, other_editor):
    # The demo accounts are staff (seed_demo); the standing test users are not by default.
    for user in (reviewer, other_reviewer, editor, other_editor):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def workflow_url(claim):
    return reverse("admin:claims_claim_workflow", args=[claim.pk])


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def shown_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def drafted(reviewer) -> Claim:
    claim = ClaimFactory()
    services.take(claim_id=claim.pk, actor=reviewer)
    EvidenceFactory(claim=claim, added_by=reviewer)
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=reviewer,
        rating=RatingFactory(),
        summary="Thirty-five states abstained.",
        rationale="Count the abstentions in GA/12407.",
    )
    return Claim.objects.get(pk=claim.pk)


def post_action(client, claim, action, **fields):
    data = {"action": action, "version": Claim.objects.get(pk=claim.pk).version, **fields}
    return client.post(workflow_url(claim), data, follow=True)


def test_reviewer_proposes_cannot_publish_and_editor_publishes(client, reviewer, editor):
    claim = drafted(reviewer)

    # The reviewer proposes through the workflow form.
    client.force_login(reviewer)
    response = post_action(client, claim, "propose", comment="Ready.")
    assert response.status_code == 200
    assert "Propose: done." in shown_messages(response)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PROPOSED

    # No publish button for her, and no publish choice in the form...
    page = client.get(change_url(claim))
    assert b'data-action="publish"' not in page.content
    assert b'value="publish"' not in client.get(workflow_url(claim)).content
    # ...and a hand-made request is refused by the service, in its words.
    response = post_action(client, claim, "publish")
    assert response.status_code == 200
    assert "Only an editor can publish a verdict." in shown_messages(response)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PROPOSED
    # The list action refuses the same way.
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "publish_verdicts", "_selected_action": [claim.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert f"Claim #{claim.pk}: Only an editor can publish a verdict." in shown_messages(response)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PROPOSED
    assert Transition.objects.filter(claim=claim, action="publish").count() == 0

    # The editor sees the button and publishes.
    client.force_login(editor)
    page = client.get(change_url(claim))
    assert b'data-action="publish"' in page.content
    assert b'data-action="send_back"' in page.content
    response = post_action(client, claim, "publish")
    assert "Publish: done." in shown_messages(response)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.state, verdict.approver) == (Verdict.State.APPROVED, editor)


def test_an_editor_who_proposed_sees_the_four_eyes_refusal(client, editor):
    claim = drafted(editor)
    services.propose(claim_id=claim.pk, actor=editor)
    client.force_login(editor)
    response = post_action(client, claim, "publish")
    assert "A verdict cannot be published by the person who proposed it." in shown_messages(
        response
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PROPOSED


def test_a_missing_comment_is_a_message_and_the_form_again(client, reviewer, editor):
    claim = drafted(reviewer)
    services.propose(claim_id=claim.pk, actor=reviewer)
    client.force_login(editor)
    response = post_action(client, claim, "send_back", comment="  ")
    assert response.status_code == 200
    assert "A comment for the reviewer is required." in shown_messages(response)
    assert b'id="workflow_form"' in response.content
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PROPOSED


def test_assigning_from_the_admin_form(client, editor, other_reviewer):
    claim = ClaimFactory()
    client.force_login(editor)
    response = post_action(client, claim, "assign", assignee=other_reviewer.pk)
    assert "Assign: done." in shown_messages(response)
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (Claim.Status.IN_REVIEW, other_reviewer)


def test_a_stale_workflow_form_is_refused(client, reviewer, editor):
    claim = drafted(reviewer)
    services.propose(claim_id=claim.pk, actor=reviewer)
    client.force_login(editor)
    stale = Claim.objects.get(pk=claim.pk).version
    services.send_back(claim_id=claim.pk, actor=editor, comment="One more source.")
    services.propose(claim_id=claim.pk, actor=reviewer)
    response = client.post(
        workflow_url(claim), {"action": "publish", "version": stale}, follow=True
    )
    assert any("has changed since you loaded it" in m for m in shown_messages(response))
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PROPOSED


def test_list_action_takes_several_claims(client, reviewer):
    claims = [ClaimFactory(), ClaimFactory()]
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "take_claims", "_selected_action": [c.pk for c in claims]},
        follow=True,
    )
    assert "Take: 2 claim(s)." in shown_messages(response)
    assert {c.assignee for c in Claim.objects.filter(pk__in=[c.pk for c in claims])} == {reviewer}


def test_status_is_not_a_form_field_anywhere(client, reviewer, editor):
    claim = drafted(reviewer)
    client.force_login(editor)
    page = client.get(change_url(claim))
    assert page.status_code == 200
    assert b'name="status"' not in page.content
    article_page = client.get(reverse("admin:claims_article_change", args=[claim.article_id]))
    assert b'name="status"' not in article_page.content
    assert b'name="claims-0-status"' not in article_page.content

    # Posting a status anyway changes nothing.
    data = {
        "claimant": claim.claimant_id,
        "claim_date": "",
        "version_seen": claim.version,
        "status": "published",
        **inline_management(),
    }
    client.post(change_url(claim), data)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW


def inline_management() -> dict:
    data = {}
    for prefix in ("evidence", "verdicts", "transitions"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def test_claim_edits_go_through_the_service_with_the_version_seen(client, reviewer, editor):
    claim = drafted(reviewer)
    client.force_login(reviewer)
    data = {
        "claimant": claim.claimant_id,
        "claim_date": "2022-03-06",
        "version_seen": claim.version,
        **inline_management(),
    }
    response = client.post(change_url(claim), data)
    assert response.status_code == 302
    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.claim_date.isoformat() == "2022-03-06"
    assert fresh.version == claim.version + 1
    assert fresh.history.latest("history_id").history_user == reviewer

    # The same form again, from the old copy: a form error, nothing written.
    data["claim_date"] = "2022-03-07"
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert b"has changed since you loaded it" in response.content
    assert Claim.objects.get(pk=claim.pk).claim_date.isoformat() == "2022-03-06"


def test_a_reviewer_not_on_the_claim_gets_a_form_error_not_an_edit(
    client, reviewer, other_reviewer
):
    claim = drafted(reviewer)
    client.force_login(other_reviewer)
    data = {
        "claimant": claim.claimant_id,
        "claim_date": "2022-03-06",
        "version_seen": claim.version,
        **inline_management(),
    }
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert b"Only the assigned reviewer or an editor" in response.content
    assert Claim.objects.get(pk=claim.pk).claim_date is None


def evidence_data(claim, **overrides):
    return {
        "claim": claim.pk,
        "url": "https://press.un.org/en/2022/ga12407.doc.htm",
        "title": "GA/12407",
        "publisher": "United Nations",
        "quote": "",
        "kind": "official_record",
        "stance": "supports",
        **overrides,
    }


def test_evidence_added_in_the_admin_goes_through_the_service(client, reviewer):
    claim = drafted(reviewer)
    client.force_login(reviewer)
    response = client.post(reverse("admin:reviews_evidence_add"), evidence_data(claim))
    assert response.status_code == 302
    added = Evidence.objects.filter(claim=claim).latest("id")
    assert (added.title, added.added_by) == ("GA/12407", reviewer)
    assert added.history.get().history_user == reviewer


def test_evidence_refused_by_the_rules_is_a_form_error(client, reviewer, other_reviewer):
    claim = drafted(reviewer)
    count = claim.evidence.count()
    client.force_login(other_reviewer)
    response = client.post(reverse("admin:reviews_evidence_add"), evidence_data(claim))
    assert response.status_code == 200
    assert b"Only the assigned reviewer or an editor" in response.content
    assert claim.evidence.count() == count


def test_evidence_on_a_published_claim_cannot_be_changed_in_the_admin(client, reviewer, editor):
    claim = drafted(reviewer)
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=editor)
    evidence = claim.evidence.get()
    client.force_login(editor)
    url = reverse("admin:reviews_evidence_change", args=[evidence.pk])
    response = client.post(url, evidence_data(claim, title="Changed after publication"))
    assert response.status_code == 200
    assert b"cannot be changed unless an editor reopens" in response.content
    evidence.refresh_from_db()
    assert evidence.title != "Changed after publication"


def test_a_draft_verdict_is_changed_in_the_admin_through_the_service(client, reviewer):
    claim = drafted(reviewer)
    verdict = Verdict.objects.get(claim=claim)
    half = RatingFactory(slug="half-true", label="Half true", value=3)
    client.force_login(reviewer)
    url = reverse("admin:reviews_verdict_change", args=[verdict.pk])
    response = client.post(
        url,
        {
            "rating": half.pk,
            "summary": "Half of it holds.",
            "rationale": "See GA/12407.",
            "correction_note": "",
        },
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert (verdict.rating, verdict.summary) == (half, "Half of it holds.")
    assert verdict.history.latest("history_id").history_user == reviewer


def test_a_second_draft_verdict_is_a_form_error(client, reviewer):
    claim = drafted(reviewer)
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:reviews_verdict_add"),
        {"claim": claim.pk, "rating": RatingFactory().pk, "summary": "S", "rationale": "R"},
    )
    assert response.status_code == 200
    assert b"already has a draft verdict" in response.content
    assert Verdict.objects.filter(claim=claim).count() == 1


def test_the_transition_log_is_read_only(client, reviewer, editor):
    claim = drafted(reviewer)
    row = Transition.objects.get(claim=claim)
    client.force_login(editor)
    assert client.get(reverse("admin:reviews_transition_add")).status_code == 403
    page = client.get(reverse("admin:reviews_transition_change", args=[row.pk]))
    assert page.status_code == 200
    assert b'name="action"' not in page.content
    response = client.post(
        reverse("admin:reviews_transition_change", args=[row.pk]), {"action": "publish"}
    )
    assert response.status_code == 403


def test_list_filters_by_status_assignee_rating_and_outlet(client, reviewer, editor):
    claim = drafted(reviewer)
    other = ClaimFactory()
    RatingFactory(slug="true", label="True", value=5)  # a scale, not a single rating
    client.force_login(editor)
    url = reverse("admin:claims_claim_changelist")
    for query in (
        {"status__exact": "in_review"},
        {"assignee__id__exact": reviewer.pk},
        {"verdicts__rating__id__exact": Verdict.objects.get(claim=claim).rating_id},
        {"article__outlet__id__exact": claim.article.outlet_id},
    ):
        page = client.get(url, query)
        assert page.status_code == 200, query
        assert page.context["cl"].result_count == 1, query
        assert list(page.context["cl"].result_list) == [claim]
    assert other not in page.context["cl"].result_list


def test_an_outsider_cannot_reach_the_workflow_form(client, outsider, reviewer):
    claim = drafted(reviewer)
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    response = client.post(workflow_url(claim), {"action": "take", "version": claim.version})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.assignee == reviewer


def test_a_hand_made_workflow_post_without_a_form_is_refused_with_a_message(client, reviewer):
    claim = drafted(reviewer)
    services.propose(claim_id=claim.pk, actor=reviewer)
    client.force_login(reviewer)
    # No version (the reviewer was never shown a form): the service still decides.
    response = client.post(workflow_url(claim), {"action": "publish"}, follow=True)
    assert response.status_code == 200
    assert "Only an editor can publish a verdict." in shown_messages(response)
    # An action that does not exist is a message too.
    response = client.post(workflow_url(claim), {"action": "approve"}, follow=True)
    assert response.status_code == 200
    assert any("approve" in m and "valid choice" in m for m in shown_messages(response))
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PROPOSED
