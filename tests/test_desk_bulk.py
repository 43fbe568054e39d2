"""Bulk triage from the desk's claim list: each claim through the workflow service on its
own, the page told which went through and why the others did not."""

from __future__ import annotations

import pytest

from claims.models import Claim
from reviews import services
from reviews.models import Transition
from tests.conftest import desk_post
from tests.factories import ArticleFactory, ClaimFactory
from tests.test_desk_lists import many_claims

Status = Claim.Status
URL = "/desk/claims/bulk/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def post(client, data, follow=True):
    return desk_post(client, URL, data, follow=follow)


def test_an_editor_dismisses_ten_claims_with_one_reason_and_one_is_refused(client, editor):
    claims = many_claims(10)
    published = claims[3]
    Claim.objects.filter(pk=published.pk).update(status=Status.PUBLISHED)
    client.force_login(editor)
    response = post(
        client,
        {
            "action": "dismiss",
            "claim": [c.pk for c in claims],
            "comment": "Opinion, not checkable.",
            "next": "/desk/claims/?q=Figure&sort=-worth",
        },
    )
    assert response.redirect_chain == [("/desk/claims/?q=Figure&sort=-worth", 302)]
    said = messages_of(response)
    done = [c.pk for c in claims if c.pk != published.pk]
    assert said[0] == f"Dismiss: 9 claims done ({', '.join(f'#{n}' for n in done)})."
    assert said[1].startswith(f"#{published.pk} not done (dismiss): ")
    assert "published" in said[1]
    assert set(Claim.objects.filter(status=Status.DISMISSED).values_list("pk", flat=True)) == set(
        done
    )
    # One transition per claim, each with the one reason; nothing for the refused one.
    rows = Transition.objects.filter(action="dismiss")
    assert sorted(rows.values_list("claim_id", flat=True)) == sorted(done)
    assert set(rows.values_list("comment", flat=True)) == {"Opinion, not checkable."}
    assert Claim.objects.get(pk=published.pk).status == Status.PUBLISHED


def test_a_reviewer_takes_what_is_free_and_is_told_about_the_rest(client, reviewer, other_reviewer):
    free, also_free, taken = many_claims(3)
    services.take(claim_id=taken.pk, actor=other_reviewer)
    client.force_login(reviewer)
    response = post(client, {"action": "take", "claim": [free.pk, also_free.pk, taken.pk]})
    said = messages_of(response)
    assert said[0] == f"Take this claim: 2 claims done (#{free.pk}, #{also_free.pk})."
    assert said[1].startswith(f"#{taken.pk} not done (take this claim): ")
    assert set(Claim.objects.filter(assignee=reviewer).values_list("pk", flat=True)) == {
        free.pk,
        also_free.pk,
    }
    assert Claim.objects.get(pk=taken.pk).assignee == other_reviewer


def test_a_reviewer_is_not_offered_and_cannot_send_the_editors_steps(client, reviewer):
    claims = many_claims(2)
    client.force_login(reviewer)
    page = client.get("/desk/claims/")
    assert '<option value="take">' in page.text
    assert '<option value="dismiss">' not in page.text
    response = post(client, {"action": "dismiss", "claim": [c.pk for c in claims], "comment": "no"})
    assert response.status_code == 400
    assert any("With the selected claims" in m for m in messages_of(response))
    assert not Claim.objects.filter(status=Status.DISMISSED).exists()


def test_what_a_step_needs_is_asked_for_and_nothing_typed_is_lost(client, editor):
    claims = many_claims(3)
    ids = [c.pk for c in claims]
    client.force_login(editor)
    no_reason = post(client, {"action": "dismiss", "claim": ids, "comment": "  "})
    assert no_reason.status_code == 400
    assert any("A reason for dismissing is required." in m for m in messages_of(no_reason))
    # The selection is kept: the boxes are still ticked.
    for pk in ids:
        assert f'id="select-{pk}" aria-label="Select claim #{pk}" checked' in no_reason.text
    nobody = post(client, {"action": "assign", "claim": ids, "comment": "Yours, Rita"})
    assert nobody.status_code == 400
    assert "Yours, Rita" in nobody.text
    nothing = post(client, {"action": "take", "claim": []})
    assert any("Select at least one claim." in m for m in messages_of(nothing))
    too_many = post(client, {"action": "take", "claim": list(range(1, 102))})
    assert any("at most 100" in m for m in messages_of(too_many))
    not_a_number = post(client, {"action": "take", "claim": ["1; DROP TABLE"]})
    assert not_a_number.status_code == 400
    assert Transition.objects.count() == 0


def test_assign_and_restore_in_bulk(client, editor, reviewer):
    claims = many_claims(4)
    client.force_login(editor)
    post(client, {"action": "assign", "claim": [c.pk for c in claims[:2]], "assignee": reviewer.pk})
    assert set(Claim.objects.filter(assignee=reviewer).values_list("pk", flat=True)) == {
        claims[0].pk,
        claims[1].pk,
    }
    post(client, {"action": "dismiss", "claim": [claims[2].pk], "comment": "duplicate"})
    response = post(client, {"action": "restore", "claim": [claims[2].pk, claims[3].pk]})
    said = messages_of(response)
    assert said[0] == f"Restore: 1 claim done (#{claims[2].pk})."
    assert said[1].startswith(f"#{claims[3].pk} not done (restore): ")
    assert Claim.objects.get(pk=claims[2].pk).status == Status.NEW


def test_a_claim_that_does_not_exist_is_named_and_the_rest_go_through(client, editor):
    claim = ClaimFactory(article=ArticleFactory())
    client.force_login(editor)
    response = post(client, {"action": "take", "claim": [claim.pk, 999999]})
    said = messages_of(response)
    assert said == [
        f"Take this claim: 1 claim done (#{claim.pk}).",
        "#999999 not done (take this claim): There is no claim #999999.",
    ]


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/desk/claims/", "//evil.example/", "/admin/", "javascript:alert(1)"],
)
def test_the_way_back_is_always_the_claim_list(client, editor, target):
    claim = ClaimFactory(article=ArticleFactory())
    client.force_login(editor)
    response = post(client, {"action": "take", "claim": [claim.pk], "next": target}, follow=False)
    assert response.status_code == 302 and response["Location"] == "/desk/claims/"


def test_bulk_triage_is_for_the_desk_only(client, outsider):
    claim = ClaimFactory(article=ArticleFactory())
    assert post(client, {"action": "take", "claim": [claim.pk]}, follow=False).status_code == 302
    client.force_login(outsider)
    assert post(client, {"action": "take", "claim": [claim.pk]}, follow=False).status_code == 403
    assert client.get(URL).status_code == 405
    assert Claim.objects.get(pk=claim.pk).status == Status.NEW
