"""Shared fixtures: three standing users (reviewer, editor, outsider) and a few objects."""

from __future__ import annotations

import pytest

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
