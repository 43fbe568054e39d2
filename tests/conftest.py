"""Shared fixtures: three standing users (reviewer, editor, outsider) and a few objects."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import ArticleFactory, ClaimFactory, RatingFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every standing user hashes a password; the production hasher's deliberate slowness
    # (about half a second each) would dominate tests that build several users per case.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", role="Reviewer")


@pytest.fixture
def other_reviewer(db):
    return UserFactory(username="rob", role="Reviewer")


@pytest.fixture
def editor(db):
    return UserFactory(username="eddie", role="Editor")


@pytest.fixture
def other_editor(db):
    return UserFactory(username="edna", role="Editor")


@pytest.fixture
def outsider(db):
    """Signed in, but in no group: may read nothing unpublished and change nothing."""
    return UserFactory(username="otto")


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def claim(db, article):
    return ClaimFactory(article=article)


@pytest.fixture
def rating(db):
    return RatingFactory()


@pytest.fixture
def restore_roles(transactional_db):
    """Put back the Reviewer and Editor groups for a test that commits for real.

    A transactional test ends by emptying every table, which removes the groups the data
    migration made; the permissions come back by themselves (post_migrate), the groups
    do not. serialized_rollback would restore them too, but clashes with the content types
    that post_migrate recreates after another transactional test.
    """
    roles = import_module("reviews.migrations.0002_roles").ROLES
    for name, perms in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
