"""The desk's roles: groups with named permissions, present on every database."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


def perms(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


@pytest.mark.django_db
def test_the_migration_creates_reviewer_and_editor_with_their_rights():
    reviewer, editor = perms("Reviewer"), perms("Editor")
    assert {"reviews.take_claim", "reviews.propose_verdict"} <= reviewer
    assert not {"reviews.review_verdict", "reviews.assign_claim"} & reviewer
    assert reviewer < editor
    assert {"reviews.review_verdict", "reviews.reopen_claim", "reviews.dismiss_claim"} <= editor


@pytest.mark.django_db(transaction=True)
def test_roles_come_back_after_a_flush():
    before = perms("Editor")
    call_command("flush", interactive=False, verbosity=0)
    assert perms("Editor") == before
    assert perms("Reviewer")
