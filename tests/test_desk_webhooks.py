"""Webhooks on the desk (/desk/webhooks/): an editor sees their own hooks with their state
and latest deliveries and pauses or resumes one with a button (CSRF and the one-time
token like every desk form); another editor's hook is neither shown nor changed;
reviewers and outsiders are turned away; the page's queries do not grow with its hooks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews import services as workflow
from reviews.desk import once
from reviews.webhooks import services as hooks
from reviews.webhooks.models import Delivery, Webhook
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
PAGE = "/desk/webhooks/"


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def form_of(page: str, hook_id: int) -> tuple[str, dict]:
    """The pause/resume form of a hook as the page draws it: its action and fields."""
    start = page.index(f'action="/desk/webhooks/{hook_id}/')
    action = page[start + len('action="') : page.index('"', start + len('action="'))]
    form = page[start : page.index("</form>", start)]
    fields = {}
    for name in ("csrfmiddlewaretoken", once.FIELD):
        at = form.index(f'name="{name}" value="') + len(f'name="{name}" value="')
        fields[name] = form[at : form.index('"', at)]
    return action, fields


def post(client: Client, url: str, data: dict):
    """A browser's post from the page: over https, so with its Referer (Django's CSRF
    check asks for one there)."""
    return client.post(
        url, data, secure=True, follow=True, HTTP_REFERER="https://testserver" + PAGE
    )


def page_of(client: Client) -> str:
    answer = client.get(PAGE, secure=True)
    assert answer.status_code == 200
    return answer.content.decode()


def test_an_editor_pauses_and_resumes_their_hook_from_the_desk(editor, other_editor, reviewer):
    mine, _ = hooks.create_webhook(
        actor=editor, url="https://cms.example/in", events=["claim.assigned"], description="CMS"
    )
    theirs, _ = hooks.create_webhook(
        actor=other_editor, url="https://other.example/in", events=["claim.assigned"]
    )
    claim = ClaimFactory()
    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    client = signed_in(editor)

    page = page_of(client)
    assert f"#{mine.pk} CMS" in page and "https://cms.example/in" in page
    assert "other.example" not in page and f"/desk/webhooks/{theirs.pk}/" not in page
    assert "Active" in page and "1 pending, 0 held" in page
    assert f'href="/desk/claims/{claim.pk}/">#{claim.pk}</a>' in page  # the delivery's row
    assert "claim.assigned" in page and f"Pause #{mine.pk}" in page
    assert 'href="/desk/webhooks/" aria-current="page">Webhooks</a>' in page

    action, fields = form_of(page, mine.pk)
    assert action == f"/desk/webhooks/{mine.pk}/pause/"
    # Without the CSRF token the post is refused and nothing changes.
    refused = post(client, action, {once.FIELD: fields[once.FIELD]})
    assert refused.status_code == 403
    assert not Webhook.objects.get(pk=mine.pk).is_paused

    done = post(client, action, fields)
    assert done.redirect_chain == [(PAGE, 302)]
    mine.refresh_from_db()
    assert mine.is_paused and mine.paused_reason == f"paused by {editor}"
    assert list(mine.deliveries.values_list("state", flat=True)) == [Delivery.State.HELD]
    page = done.content.decode()
    assert f"Webhook #{mine.pk} paused" in page
    assert "Paused since" in page and "0 pending, 1 held" in page and "Held (hook paused)" in page
    assert f"Resume #{mine.pk}" in page

    again = post(client, action, fields)  # a double click
    assert "already" in again.content.decode().lower()
    assert Webhook.objects.get(pk=mine.pk).paused_at == mine.paused_at

    action, fields = form_of(page, mine.pk)
    assert action == f"/desk/webhooks/{mine.pk}/resume/"
    resumed = post(client, action, fields)
    assert f"Webhook #{mine.pk} resumed: 1 held deliveries queued." in resumed.content.decode()
    mine.refresh_from_db()
    assert not mine.is_paused
    assert list(mine.deliveries.values_list("state", flat=True)) == [Delivery.State.PENDING]


def test_another_editors_hook_is_refused_with_a_message(editor, other_editor):
    theirs, _ = hooks.create_webhook(
        actor=other_editor, url="https://other.example/in", events=["claim.published"]
    )
    client = signed_in(editor)
    page_of(client)  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    for verb in ("pause", "resume"):
        answer = post(
            client,
            f"/desk/webhooks/{theirs.pk}/{verb}/",
            {
                "csrfmiddlewaretoken": token,
                once.FIELD: once.issue(user=editor, purpose=f"webhook:{theirs.pk}"),
            },
        )
        assert answer.status_code == 200
        assert f"There is no webhook #{theirs.pk} of yours." in answer.content.decode()
    assert not Webhook.objects.get(pk=theirs.pk).is_paused
    missing = post(
        client,
        "/desk/webhooks/999999/pause/",
        {
            "csrfmiddlewaretoken": token,
            once.FIELD: once.issue(user=editor, purpose="webhook:999999"),
        },
    )
    assert "There is no webhook #999999 of yours." in missing.content.decode()


def test_reviewers_outsiders_and_the_public_get_no_page(reviewer, outsider, editor):
    hook, _ = hooks.create_webhook(
        actor=editor, url="https://cms.example/in", events=["claim.published"]
    )
    for user in (reviewer, outsider):
        client = signed_in(user)
        assert client.get(PAGE, secure=True).status_code == 403
        assert "Webhooks</a>" not in client.get("/", secure=True).content.decode()
    anonymous = Client().get(PAGE, secure=True)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    answer = Client().post(f"/desk/webhooks/{hook.pk}/pause/", secure=True)
    assert answer.status_code in (302, 403)
    assert not Webhook.objects.get(pk=hook.pk).is_paused


def test_the_page_takes_the_same_queries_for_one_hook_or_many(editor, reviewer):
    first, _ = hooks.create_webhook(
        actor=editor, url="https://one.example/in", events=["claim.assigned"]
    )
    workflow.assign(claim_id=ClaimFactory().pk, actor=editor, assignee=reviewer)
    client = signed_in(editor)
    page_of(client)  # the session and permission caches warm

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page_of(client)
        return len(queries)

    one = count()
    for n in range(3):
        hooks.create_webhook(
            actor=editor, url=f"https://more{n}.example/in", events=["claim.assigned"]
        )
    for _ in range(7):  # more deliveries than the page shows per hook
        workflow.assign(claim_id=ClaimFactory().pk, actor=editor, assignee=reviewer)
    hooks.pause_webhook(hook_id=first.pk, actor=editor)
    page = page_of(client)
    assert page.count('<tr class="delivery-') == 4 * 5  # the latest five of each
    assert count() == one
