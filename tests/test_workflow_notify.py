"""Assigning a claim tells the assignee by mail, after the assignment is committed; a
rolled-back assignment tells nobody. These tests commit for real (transactional_db): the
task runs in process when the transaction commits, as it does on the embedded default."""

from __future__ import annotations

import pytest
from django.db import transaction

from reviews import services
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    # On PostgreSQL + Redis the suite has a broker; here we want the in-process path so the
    # mail lands in this process's outbox.
    from factcheck.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def test_assigning_mails_the_assignee_after_commit(editor, reviewer, mailoutbox):
    claim = ClaimFactory()
    with transaction.atomic():
        services.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
        assert mailoutbox == []  # not before the commit
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [reviewer.email]
    assert f"Claim #{claim.pk} is assigned to you" in mail.subject
    assert claim.text in mail.body
    assert f"From: {claim.article.title}" in mail.body


def test_the_mail_links_to_the_claims_desk_page_when_the_site_url_is_known(
    editor, reviewer, mailoutbox, settings
):
    settings.FACTCHECK_SITE_URL = "https://desk.example/"
    claim = ClaimFactory()
    services.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    assert f"https://desk.example/desk/claims/{claim.pk}/" in mailoutbox[0].body
    assert "/admin/" not in mailoutbox[0].body


def test_a_rolled_back_assignment_mails_nobody(editor, reviewer, mailoutbox):
    claim = ClaimFactory()

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
        raise Abort
    claim.refresh_from_db()
    assert claim.assignee is None
    assert mailoutbox == []


def test_taking_a_claim_or_assigning_it_to_oneself_mails_nobody(
    editor, reviewer, other_reviewer, mailoutbox
):
    services.take(claim_id=ClaimFactory().pk, actor=reviewer)
    services.assign(claim_id=ClaimFactory().pk, actor=editor, assignee=editor)
    assert mailoutbox == []
    # ...while a real assignment in the same run does mail.
    services.assign(claim_id=ClaimFactory().pk, actor=editor, assignee=other_reviewer)
    assert [m.to for m in mailoutbox] == [[other_reviewer.email]]


def test_a_failing_side_effect_does_not_undo_or_break_the_step(editor, reviewer, monkeypatch):
    """Offline, the in-process archive fetch fails: the evidence stays and the call returns."""
    claim = ClaimFactory()
    services.take(claim_id=claim.pk, actor=reviewer)
    fetched = []

    def fetch(url):  # the network, which this machine may not have
        fetched.append(url)
        raise OSError("network is unreachable")

    monkeypatch.setattr("reviews.tasks.fetch", fetch)
    evidence = services.add_evidence(
        claim_id=claim.pk,
        actor=reviewer,
        url="https://press.un.org/en/2022/ga12407.doc.htm",
        title="GA/12407",
    )
    assert fetched == ["https://press.un.org/en/2022/ga12407.doc.htm"]
    assert claim.evidence.get() == evidence
