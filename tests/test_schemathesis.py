"""Schemathesis against the live OpenAPI schema, as an editor, a reviewer and anonymous
(token header, or none): for generated requests to every operation, and for stateful
sequences chained by the links schemathesis infers from the schema (a claim created,
then its verdicts, evidence and steps), no 5xx and every response matches the schema
(status code, content type, headers and body). Each role's number of calls is printed."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claims.models import SimilarClaim
from reviews import services
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory, UserFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# The schema as the running app serves it (its generation reads no database rows).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def wsgi_in_test_transaction(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Throttle counters live in the cache; every operation starts with none.
    cache.clear()
    # The WSGI handler closes the database connection after each request, which would end
    # the test's transaction; Django's own test client disconnects these the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(wsgi_in_test_transaction):
    """An editor with a token, and a few objects for the generated ids to find."""
    editor = UserFactory(username="schema-editor", role="Editor")
    reviewer = UserFactory(username="schema-reviewer", role="Reviewer")
    rating = RatingFactory()
    published, fresh, other = ClaimFactory(), ClaimFactory(), ClaimFactory()
    services.take(claim_id=published.pk, actor=reviewer)
    EvidenceFactory(claim=published, added_by=reviewer)
    services.save_verdict_draft(
        claim_id=published.pk, actor=reviewer, rating=rating, summary="s", rationale="r"
    )
    services.propose(claim_id=published.pk, actor=reviewer)
    services.publish(claim_id=published.pk, actor=editor)
    SimilarClaim.objects.create(from_claim=published, to_claim=fresh, score=0.8)
    assert other.pk
    return Token.objects.create(user=editor).key


@pytest.fixture
def tokens(editor_token):
    """A token per role: the editor's, the reviewer's, none for anonymous."""
    reviewer = UserFactory._meta.model.objects.get(username="schema-reviewer")
    return {
        "editor": editor_token,
        "reviewer": Token.objects.create(user=reviewer).key,
        "anonymous": None,
    }


def _headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Token {token}"} if token else {}


ROLES = ["editor", "reviewer", "anonymous"]


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    # Three roles over every operation, then the stateful runs: a few minutes a pass.
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, role, tokens):
    case.call_and_validate(headers=_headers(tokens[role]), checks=CHECKS)


StateMachine = schema.as_state_machine()


@pytest.mark.parametrize("role", ROLES)
def test_stateful_sequences_conform_to_the_schema(role, tokens, capsys):
    calls: list[str] = []

    class AsRole(StateMachine):
        def get_call_kwargs(self, case):
            return {"headers": _headers(tokens[role])}

        def after_call(self, response, case):
            super().after_call(response, case)
            calls.append(f"{case.method} {case.operation.path} {response.status_code}")

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    AsRole.run(
        settings=settings(
            max_examples=10,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    chained = sum(1 for c in calls if "{" in c)
    with capsys.disabled():
        print(f"\nschemathesis stateful, {role}: {len(calls)} calls ({chained} on paths with ids)")
    assert len(calls) >= 10
