"""Feedback that is seen: each workflow step tells the people it concerns, in its own
transaction (an inbox row, and a mail as they chose, queued in the outbox); a sent-back
claim says so on its row and its page with the editor's comment; the inbox is paged in a
fixed number of queries, marked read by its owner only; mails link to the desk."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factcheck.outbox.models import Message
from reviews import services
from reviews.inbox import services as inbox
from reviews.inbox.mail import compose
from reviews.inbox.models import MailPreference, Notification
from tests.conftest import desk_client
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
MAIL = "reviews.tasks.mail_notification"


def kinds_for(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def mails_for(user) -> int:
    ids = Notification.objects.filter(user=user).values_list("pk", flat=True)
    return sum(1 for m in Message.objects.filter(task=MAIL) if m.kwargs["notification_id"] in ids)


def proposed_by(claim, reviewer, rating, *, assign_by=None):
    if assign_by is not None:
        services.assign(claim_id=claim.pk, actor=assign_by, assignee=reviewer)
    else:
        services.take(claim_id=claim.pk, actor=reviewer)
    services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://r.example/", title="R", archive=False
    )
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary="S.", rationale="R."
    )
    services.propose(claim_id=claim.pk, actor=reviewer)


# -- who is told of what ---------------------------------------------------------------


def test_each_step_tells_the_people_it_concerns_and_never_its_actor(
    claim, reviewer, editor, other_editor, rating
):
    proposed_by(claim, reviewer, rating, assign_by=editor)
    assert kinds_for(reviewer) == [Kind.ASSIGNED]
    # Awaiting approval: every editor (the proposer is not one of them here).
    assert kinds_for(editor) == [Kind.AWAITING]
    assert kinds_for(other_editor) == [Kind.AWAITING]
    services.send_back(claim_id=claim.pk, actor=editor, comment="Cite the roll call.")
    assert kinds_for(reviewer)[-1] == Kind.SENT_BACK
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=other_editor)
    assert kinds_for(reviewer)[-1] == Kind.PUBLISHED
    services.reopen(claim_id=claim.pk, actor=editor, reason="A new figure.")
    assert kinds_for(reviewer)[-1] == Kind.CORRECTION
    assert not Notification.objects.filter(transition__actor_id=F("user_id")).exists()
    assert not Notification.objects.filter(user=other_editor, kind=Kind.PUBLISHED).exists()


def test_a_step_that_rolls_back_tells_nobody(claim, editor, reviewer):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
        assert kinds_for(reviewer) == [Kind.ASSIGNED]
        raise Abort
    assert not Notification.objects.exists()
    assert not Message.objects.filter(task=MAIL).exists()


def test_mail_follows_each_persons_choice(claim, reviewer, editor, other_editor, rating):
    inbox.set_mail_preferences(user=other_editor, kinds={"awaiting"})
    proposed_by(claim, reviewer, rating, assign_by=editor)
    # Defaults: mailed when asked to act (assigned), not for every proposal...
    assert mails_for(reviewer) == 1
    assert mails_for(editor) == 0
    # ...unless chosen.
    assert mails_for(other_editor) == 1
    inbox.set_mail_preferences(user=reviewer, kinds=set())
    services.send_back(claim_id=claim.pk, actor=editor, comment="More.")
    assert mails_for(reviewer) == 1  # the inbox still has it
    assert kinds_for(reviewer)[-1] == Kind.SENT_BACK


def test_the_mail_names_the_step_and_links_to_the_desk_never_the_admin(
    claim, reviewer, editor, rating, settings
):
    settings.FACTCHECK_SITE_URL = "https://desk.example/"
    proposed_by(claim, reviewer, rating)
    services.send_back(claim_id=claim.pk, actor=editor, comment="Cite the roll call.")
    note = Notification.objects.get(user=reviewer, kind=Kind.SENT_BACK)
    subject, body = compose(note)
    assert subject == f"[factcheck] Claim #{claim.pk} was sent back to you"
    assert "Cite the roll call." in body and claim.text in body
    assert f"https://desk.example/desk/claims/{claim.pk}/" in body
    assert "/admin/" not in body


def test_unknown_kinds_of_mail_are_refused(reviewer):
    with pytest.raises(services.InvalidInput, match="Unknown kinds"):
        inbox.set_mail_preferences(user=reviewer, kinds={"everything"})
    assert not MailPreference.objects.exists()


# -- sent back, on the row and the page ------------------------------------------------


def test_a_sent_back_claim_says_so_on_its_rows_and_page_with_the_comment(
    claim, reviewer, editor, rating
):
    proposed_by(claim, reviewer, rating)
    services.send_back(claim_id=claim.pk, actor=editor, comment="Cite the roll call <b>now</b>.")
    other = ClaimFactory()
    services.take(claim_id=other.pk, actor=reviewer)
    client = desk_client(reviewer)
    escaped = "Cite the roll call &lt;b&gt;now&lt;/b&gt;."
    for url in ("/", "/desk/claims/", reverse("desk-article", args=[claim.article_id])):
        page = client.get(url).content.decode()
        assert page.count('class="badge badge-sent-back"') == 1, url  # this claim, not the other
        assert f"Sent back by eddie: “{escaped}”" in page, url
    page = client.get(reverse("desk-claim", args=[claim.pk])).content.decode()
    assert "<strong>Sent back</strong> by eddie" in page
    assert escaped in page
    # Proposed again: no longer "sent back".
    services.propose(claim_id=claim.pk, actor=reviewer)
    assert "badge-sent-back" not in client.get("/desk/claims/").content.decode()


# -- the inbox -------------------------------------------------------------------------


def notes(n: int, *, editor, reviewer) -> list[Notification]:
    for _ in range(n):
        services.assign(claim_id=ClaimFactory().pk, actor=editor, assignee=reviewer)
    return list(Notification.objects.filter(user=reviewer))


def test_the_inbox_lists_mine_with_the_unread_count_in_the_header(reviewer, editor, other_editor):
    notes(3, editor=editor, reviewer=reviewer)
    notes(2, editor=other_editor, reviewer=editor)  # someone else's
    page = desk_client(reviewer).get(reverse("desk-inbox")).content.decode()
    assert page.count('class="note is-unread"') == 3
    assert 'Inbox <span class="nav-count">3<span class="visually-hidden"> unread</span>' in page


def test_marking_read_one_or_all_and_never_another_persons(reviewer, editor, other_editor):
    mine = notes(3, editor=editor, reviewer=reviewer)
    theirs = notes(1, editor=other_editor, reviewer=editor)
    client = desk_client(reviewer)
    url = reverse("desk-inbox-read")
    response = client.post(url, {"notification": [mine[0].pk, theirs[0].pk]}, follow=True)
    assert "Marked read: 1." in response.content.decode()
    assert Notification.objects.filter(user=reviewer, read_at__isnull=True).count() == 2
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None
    client.post(url, {"all": "1"})
    assert not Notification.objects.filter(user=reviewer, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None
    page = client.get(reverse("desk-inbox") + "?unread=on").content.decode()
    assert "Nothing unread." in page and "nav-count" not in page


@pytest.mark.parametrize("size", [5, 30])
def test_the_inbox_page_is_a_fixed_number_of_queries(reviewer, editor, size):
    notes(size, editor=editor, reviewer=reviewer)
    client = desk_client(reviewer)
    client.get(reverse("desk-inbox"))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("desk-inbox"))
    assert response.status_code == 200
    assert response.content.decode().count('class="note is-unread"') == min(size, 25)
    # session, user, permissions, count, page, unread count
    assert len(queries) == 6, [q["sql"] for q in queries]


def test_the_inbox_is_for_the_desk_only(outsider):
    client = Client()
    assert client.get(reverse("desk-inbox")).status_code == 302  # to log in
    client.force_login(outsider)
    assert client.get(reverse("desk-inbox")).status_code == 403
    assert client.post(reverse("desk-inbox-read"), {"all": "1"}).status_code == 403


def test_the_mail_settings_page_saves_the_choice(reviewer):
    client = desk_client(reviewer)
    page = client.get(reverse("desk-mail-settings")).content.decode()
    assert 'name="assigned" id="id_assigned" checked' in page  # the defaults
    assert 'name="awaiting" id="id_awaiting">' in page
    response = client.post(reverse("desk-mail-settings"), {"published": "on"}, follow=True)
    assert "Your mail settings are saved." in response.content.decode()
    preference = MailPreference.objects.get(user=reviewer)
    assert [k for k in MailPreference.KINDS if preference.wants(k)] == ["published"]


@pytest.mark.parametrize("url", ["desk-inbox-read", "desk-mail-settings"])
def test_inbox_forms_without_their_token_change_nothing(reviewer, editor, url):
    notes(1, editor=editor, reviewer=reviewer)
    client = Client()
    client.force_login(reviewer)
    response = client.post(reverse(url), {"all": "1", "awaiting": "on"}, follow=True)
    assert "came without its one-time token, so nothing was changed" in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    assert not MailPreference.objects.exists()
