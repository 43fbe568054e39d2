"""Shared fixtures: three standing users (reviewer, editor, outsider) and a few objects."""

from __future__ import annotations

import pytest

from tests.factories import ArticleFactory, ClaimFactory, RatingFactory, UserFactory


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
