"""The shape of the code holds: one workflow table that the services, the desk, the admin
and the API all follow; one search for the desk and the API; one selector per question,
each in a fixed number of queries; dependencies that point one way."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim
from claims.selectors import (
    _full_text_match,
    forget_estimates,
    full_text_search,
    search_claims,
    visible_claims,
)
from reviews import services
from reviews.models import Transition
from reviews.selectors import assignable_members, claim_history, is_assignable
from reviews.workflow import STEPS, WORKFLOW
from tests.conftest import client_for as api_client_for
from tests.factories import ArticleFactory, ClaimFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


# -- the workflow table -------------------------------------------------------------------


def test_the_table_has_a_row_and_an_effect_for_every_action():
    assert set(WORKFLOW) == set(Transition.Action.values) == set(services.EFFECTS)
    for step in STEPS:
        assert set(step.sources) <= set(Claim.Status.values)
        assert step.target in Claim.Status.values
        assert step.style in ("primary", "secondary", "danger")
        assert set(step.inputs) <= {"comment", "assignee", "duplicate_of", "correction_note"}


class _Rollback(Exception):
    pass


def _succeeds(action: str, *, claim: Claim, actor, inputs: dict) -> bool:
    """Does the service take this step? Tried in a savepoint that is always rolled back."""
    try:
        with transaction.atomic():
            services.perform(action, claim_id=claim.pk, actor=actor, **inputs)
            raise _Rollback
    except _Rollback:
        return True
    except services.WorkflowError:
        return False


def _world(state: str, *, reviewer, editor, rating) -> Claim:
    claim = ClaimFactory()
    if state == "new":
        return claim
    if state == "dismissed":
        services.dismiss(claim_id=claim.pk, actor=editor, reason="Opinion.")
        return Claim.objects.get(pk=claim.pk)
    # in review (with evidence and a complete draft, so propose can succeed), then onward
    worker = editor if state == "proposed by the editor" else reviewer
    services.take(claim_id=claim.pk, actor=worker)
    services.add_evidence(
        claim_id=claim.pk,
        actor=worker,
        url="https://records.example/un",
        title="Record",
        archive=False,
    )
    services.save_verdict_draft(
        claim_id=claim.pk, actor=worker, rating=rating, summary="S.", rationale="R."
    )
    if state != "in review":
        services.propose(claim_id=claim.pk, actor=worker)
    if state == "published":
        services.publish(claim_id=claim.pk, actor=editor)
    return Claim.objects.get(pk=claim.pk)


STATES = ["new", "in review", "proposed", "proposed by the editor", "published", "dismissed"]


@pytest.mark.parametrize("state", STATES)
def test_table_services_available_actions_desk_buttons_and_api_agree(
    state, reviewer, other_reviewer, editor, outsider
):
    """For every state and role: the actions available_actions lists are exactly those the
    services take (with good input), the desk shows a button for and the API lists for the
    claim and accepts; each is open per its row of the table."""
    rating = RatingFactory()
    claim = _world(state, reviewer=reviewer, editor=editor, rating=rating)
    assign_to = UserFactory(username="ruth", role="Reviewer")
    inputs = {
        "comment": "Because.",
        "assignee": assign_to,
        "correction_note": "What changed.",
    }
    roles = {
        "the reviewer who works on it": reviewer,
        "another reviewer": other_reviewer,
        "an editor": editor,
        "an outsider": outsider,
    }
    for role, user in roles.items():
        where = f"{state} / {role}"
        claim = Claim.objects.get(pk=claim.pk)
        available = services.available_actions(user, claim)
        # The table's order, and only actions whose row allows this state.
        assert available == [a for a in WORKFLOW if a in available], where
        for action in available:
            assert claim.status in WORKFLOW[action].sources, where
        taken = [a for a in WORKFLOW if _succeeds(a, claim=claim, actor=user, inputs=inputs)]
        assert taken == available, where

        api = api_client_for(user)
        listed = api.get(f"/api/v1/claims/{claim.pk}/")
        if user is outsider and state not in ("published",):
            assert listed.status_code == 404, where
        else:
            assert listed.json()["actions"] == available, where
        page = Client()
        page.force_login(user)
        response = page.get(reverse("desk-claim", args=[claim.pk]))
        if user is outsider:
            assert response.status_code == 403, where
        else:
            shown = re.findall(r'data-action="([a-z_]+)"', response.content.decode())
            assert sorted(shown) == sorted(available), where

    # The API accepts each action for exactly the roles it is available to (each try on
    # the same claim in the same state: every step is rolled back after it).
    for role, user in roles.items():
        for action in WORKFLOW:
            claim = Claim.objects.get(pk=claim.pk)
            expected = action in services.available_actions(user, claim)
            body = {
                "action": action,
                "comment": "Because.",
                "assignee": assign_to.pk,
                "correction_note": "What changed.",
            }
            try:
                with transaction.atomic():  # undone after each try
                    response = api_client_for(user).post(
                        f"/api/v1/claims/{claim.pk}/transitions/", body, format="json"
                    )
                    raise _Rollback
            except _Rollback:
                pass
            assert (response.status_code == 200) == expected, (
                f"{state} / {role} / {action}: {response.status_code}"
            )


def test_an_unknown_action_is_refused_alike_by_the_api_and_the_services(claim, editor):
    response = api_client_for(editor).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"action": "approve"}, format="json"
    )
    assert response.status_code == 400
    assert "action" in response.json()["error"]["fields"]
    with pytest.raises(services.InvalidInput):
        services.perform("approve", claim_id=claim.pk, actor=editor)


# -- one search for the desk and the API --------------------------------------------------


def _desk_results(user, query: str) -> set[int]:
    page = Client()
    page.force_login(user)
    html = page.get(reverse("dashboard"), {"q": query}).content.decode()
    section = html.split('id="results-h"')[1].split("</section>")[0]
    return {int(pk) for pk in re.findall(r'href="/desk/claims/(\d+)/"', section)}


def _api_results(user, query: str) -> set[int]:
    found = api_client_for(user).get("/api/v1/claims/", {"search": query}).json()["results"]
    return {claim["id"] for claim in found}


def test_the_desk_and_the_api_find_the_same_claims(editor):
    visit = ArticleFactory(
        title="Khan in Moscow",
        body=(
            "Opening. It is the first visit by a Pakistani prime minister to Moscow in 20 "
            "years. Closing."
        ),
    )
    first = ClaimFactory(
        article=visit,
        text="It is the first visit by a Pakistani prime minister to Moscow in 20 years.",
    )
    ages = ArticleFactory(title="Pensions", body="Opening. Pensions rose for 20 years. End.")
    pensions = ClaimFactory(article=ages, text="Pensions rose for 20 years.")
    elsewhere = ArticleFactory(title="Trade", body="Opening. Exports doubled in a year. End.")
    exports = ClaimFactory(article=elsewhere, text="Exports doubled in a year.")

    for query in ["Moscow 20 years", "moscow", "20 years", "pensions", f"#{exports.pk}", "zzz"]:
        desk, api = _desk_results(editor, query), _api_results(editor, query)
        assert desk == api, query
    # A multi-word query asks for every word: only the visit says all three.
    assert _api_results(editor, "Moscow 20 years") == {first.pk}
    assert _api_results(editor, "20 years") == {first.pk, pensions.pk}
    assert _api_results(editor, f"#{exports.pk}") == {exports.pk}


def _claim_in(title: str, text: str) -> Claim:
    article = ArticleFactory(title=title, body=f"Opening. {text} End.")
    return ClaimFactory(article=article, text=text)


def test_a_claim_number_finds_that_claim_alone_on_either_database(editor):
    wanted = _claim_in("Trade", "Exports doubled in a year.")
    n = wanted.pk
    # The number as a word in another claim and another article's title, and tagged with
    # `#` in a third: full-text search would find them all for the word.
    word = _claim_in(f"Report {n}", f"Sales fell {n} percent.")
    tagged = _claim_in("Posts", f"The post tagged #{n} was shared widely.")
    for query in (f"#{n}", f" #{n} "):
        assert _desk_results(editor, query) == _api_results(editor, query) == {wanted.pk}
    # The plain word finds its texts on both, and a `#` among several words is punctuation.
    assert _desk_results(editor, str(n)) == _api_results(editor, str(n)) == {word.pk, tagged.pk}
    assert _desk_results(editor, f"#{n} tagged") == _api_results(editor, f"#{n} tagged")
    assert _api_results(editor, f"#{n} tagged") == {tagged.pk}
    # A number past every claim is nothing, not an error.
    assert _api_results(editor, "#999999999999") == set()


def test_the_search_is_one_query_however_many_claims_match(editor):
    article = ArticleFactory(title="Moscow talks")
    for i in range(3):
        ClaimFactory(
            article=article,
            text="The minister said 35 countries abstained on the vote.",
            span_start=i,
            span_end=i + 10,
        )
    desk = visible_claims(editor)  # asks the permission backend (once per user)
    with CaptureQueriesContext(connection) as few:
        assert len(list(search_claims(desk, "Moscow talks"))) == 3
    for i in range(3, 9):
        ClaimFactory(article=article, span_start=i, span_end=i + 10)
    forget_estimates()
    with CaptureQueriesContext(connection) as many:
        assert len(list(search_claims(desk, "Moscow talks"))) == 9
    # On PostgreSQL one EXPLAIN before it: how many articles the words match picks the shape
    # (for rare words the matching ids are read before the page).
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) in ((2, 3) if full_text_search() else (1,))
    # The estimate is kept: the same words again (the next page) do not ask for it.
    with CaptureQueriesContext(connection) as again:
        assert len(list(search_claims(desk, "Moscow talks"))) == 9
    assert len(again.captured_queries) == len(few.captured_queries) - full_text_search()
    if full_text_search():  # the rare words' shape: the ids, then the page by them
        for shape in ("common", "rare"):
            with CaptureQueriesContext(connection) as ctx:
                found = desk.filter(_full_text_match("Moscow talks", common=shape == "common"))
                assert len(list(found)) == 9
            assert len(ctx.captured_queries) == 1 + (shape == "rare")
        with CaptureQueriesContext(connection) as ctx:  # no match, no page to ask for
            assert list(desk.filter(_full_text_match("Tarbela", common=False))) == []
            assert desk.filter(_full_text_match("Tarbela", common=False)).count() == 0
        assert len(ctx.captured_queries) == 2


def test_both_shapes_of_the_full_text_search_find_the_same_claims(editor):
    # For rare words the matching claims' ids are read first; for common words each claim
    # asks of its own article. The claims found must not depend on the choice.
    talks = ArticleFactory(title="Moscow talks", body="The envoys met in Moscow for talks.")
    other = ArticleFactory(title="Harvest", body="Wheat exports rose.")
    by_text = ClaimFactory(article=other, text="Moscow bought the wheat.", span_start=0)
    in_talks = ClaimFactory(article=talks, text="Tariffs fell by 5 percent.", span_start=0)
    neither = ClaimFactory(article=other, text="Sugar prices fell.", span_start=1)
    cases = {
        "Moscow": {by_text.pk, in_talks.pk},
        "Moscow talks": {in_talks.pk},
        "wheat": {by_text.pk, neither.pk},
    }
    for query, wanted in cases.items():
        assert set(search_claims(Claim.objects.all(), query).values_list("pk", flat=True)) == wanted
    if full_text_search():  # phrases, `or` and `-` are full-text search's own
        cases['"Moscow talks"'] = {in_talks.pk}
        cases["sugar or tariffs"] = {in_talks.pk, neither.pk}
        cases["Moscow -talks"] = {by_text.pk}
        for query, wanted in cases.items():
            assert set(search_claims(Claim.objects.all(), query).values_list("pk", flat=True)) == (
                wanted
            )
            for common in (False, True):
                found = Claim.objects.filter(_full_text_match(query, common=common))
                assert set(found.values_list("pk", flat=True)) == wanted, (query, common)
                # The same as a subquery under another alias (the claims found's verdicts).
                under = Claim.objects.filter(pk__in=found.values("pk"))
                assert set(under.values_list("pk", flat=True)) == wanted, (query, common)


# -- one selector per question ------------------------------------------------------------


def test_assignable_members_is_who_services_assign_accepts_in_one_query(reviewer, editor, outsider):
    boss = UserFactory(username="sue", is_superuser=True)
    gone = UserFactory(username="gone", role="Reviewer", is_active=False)
    with CaptureQueriesContext(connection) as ctx:
        members = list(assignable_members())
    assert len(ctx.captured_queries) == 1
    assert [u.username for u in members] == sorted([reviewer.username, editor.username, "sue"])
    claim = ClaimFactory()
    for user in (reviewer, editor, boss, outsider, gone):
        expected = user in members
        assert is_assignable(user) == expected
        try:
            with transaction.atomic():
                services.assign(claim_id=claim.pk, actor=editor, assignee=user)
                raise _Rollback
        except _Rollback:
            accepted = True
        except services.InvalidInput:
            accepted = False
        assert accepted == expected, user.username


def test_claim_history_is_one_query_however_long(claim, reviewer, editor):
    services.take(claim_id=claim.pk, actor=reviewer)
    with CaptureQueriesContext(connection) as short:
        assert len(list(claim_history(claim))) == 1
    for _ in range(3):
        services.dismiss(claim_id=claim.pk, actor=editor, reason="Opinion.")
        services.restore(claim_id=claim.pk, actor=editor)
    with CaptureQueriesContext(connection) as long:
        rows = list(claim_history(claim))
        assert [r.actor.username for r in rows][:2] == [reviewer.username, editor.username]
    assert len(rows) == 7
    assert len(long.captured_queries) == len(short.captured_queries) == 1


def test_visible_claims_is_one_query_and_published_only_for_the_public(
    reviewer, outsider, editor, rating
):
    ClaimFactory.create_batch(3)
    with CaptureQueriesContext(connection) as ctx:
        assert len(list(visible_claims(reviewer))) == 3
        assert list(visible_claims(outsider)) == []
    # is_staff_member asks the permission backend once per user; the lists are one each.
    assert sum("claims_claim" in q["sql"] for q in ctx.captured_queries) == 2


# -- dependencies point one way -----------------------------------------------------------


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


def test_claims_never_imports_reviews():
    for path in _modules("claims"):
        wrong = {name for name in _imports(path) if name.split(".")[0] == "reviews"}
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


def test_the_project_package_imports_neither_app():
    for path in _modules("factcheck"):
        wrong = {name for name in _imports(path) if name.split(".")[0] in ("claims", "reviews")}
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


def test_the_error_base_is_a_leaf_module():
    assert {name.split(".")[0] for name in _imports(ROOT / "factcheck/errors.py")} <= {
        "__future__",
        "typing",
    }


# A module is split into a package when it passes a few hundred lines of unrelated things
# (ARCHITECTURE.md): past this, a reader no longer finds one kind of code in one place.
MODULE_LINE_LIMIT = 500


def test_no_module_outside_migrations_and_tests_passes_the_line_limit():
    long = {
        str(path.relative_to(ROOT)): lines
        for package in ("factcheck", "claims", "reviews", "bench")
        for path in _modules(package)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINE_LIMIT
    }
    assert not long, f"split these modules into packages: {long}"
