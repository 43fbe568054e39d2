"""A strict API: what a client sends that the API would ignore or coerce is refused (400,
naming the field), NUL characters never reach the database, a method an endpoint does not
serve is 405 for everyone, the actor's right is checked before the claim's state and version,
`ordering` takes exactly its documented values, a create answers 201 only when it created,
and every path under /api/ answers in the JSON error format."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from claims.models import Claim
from reviews import services
from reviews.models import Verdict
from reviews.webhooks.models import Webhook
from tests.conftest import client_for
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db

VERDICT = {"summary": "Wrong.", "rationale": "Count the votes."}


def assert_refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    # JSON, or the JSON the endpoint serves first (JSON-LD, the OpenAPI schema's).
    media = response["Content-Type"].split(";")[0]
    assert media == "application/json" or media.endswith("+json"), media
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


@pytest.fixture
def objects(reviewer, editor):
    """A claim in review with the reviewer (evidence, a draft), a fresh one, a published one."""
    rating = RatingFactory(slug="false")
    working, fresh, published = ClaimFactory(), ClaimFactory(), ClaimFactory()
    for claim in (working, published):
        services.take(claim_id=claim.pk, actor=reviewer)
        EvidenceFactory(claim=claim, added_by=reviewer)
        services.save_verdict_draft(claim_id=claim.pk, actor=reviewer, rating=rating, **VERDICT)
    services.propose(claim_id=published.pk, actor=reviewer)
    services.publish(claim_id=published.pk, actor=editor)
    hook = Webhook.objects.create(
        owner=editor, url="https://hooks.example/in", events=["claim.published"], secret="s"
    )
    return {
        "webhook": hook,
        "working": working,
        "fresh": fresh,
        "published": published,
        "evidence": working.evidence.get(),
        "rating": rating,
    }


# -- unknown, read-only and wrongly typed fields -----------------------------------------


def test_an_unknown_field_is_refused_naming_it(objects, reviewer):
    claim = objects["fresh"]
    response = client_for(reviewer).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"action": "take", "bogus": 1}, format="json"
    )
    error = assert_refused(response, 400, "invalid")
    assert "bogus" in error["message"]
    assert list(error["fields"]) == ["bogus"]
    assert "action" in error["fields"]["bogus"][0]  # it says what the request takes
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW and claim.assignee is None


def test_a_value_of_the_wrong_type_is_refused_not_coerced(objects, reviewer):
    claim = objects["fresh"]
    desk = client_for(reviewer)
    path = f"/api/v1/claims/{claim.pk}/transitions/"
    error = assert_refused(
        desk.post(path, {"action": "take", "comment": 123}, format="json"), 400, "invalid"
    )
    assert error["fields"]["comment"] == ["Expected a string, got a number."]
    for wrong in ({"action": "take", "comment": ["x"]}, {"action": 1}, {"action": True}):
        assert_refused(desk.post(path, wrong, format="json"), 400, "invalid")
    working = objects["working"]
    verdicts = f"/api/v1/claims/{working.pk}/verdicts/"
    for field, value in (("rating", 5), ("summary", 12), ("rationale", False)):
        body = {"rating": "false", **VERDICT, field: value}
        error = assert_refused(desk.post(verdicts, body, format="json"), 400, "invalid")
        assert list(error["fields"]) == [field]
    dismiss = {"action": "dismiss", "comment": "Same claim.", "duplicate_of": str(working.pk)}
    editor = client_for(UserFactory(role="Editor"))
    error = assert_refused(editor.post(path, dismiss, format="json"), 400, "invalid")
    assert error["fields"]["duplicate_of"] == ["Expected an integer, got a string."]
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW


def test_patching_a_claims_status_is_refused_saying_status_goes_through_actions(objects, reviewer):
    claim = objects["working"]
    claim.refresh_from_db()
    version = claim.version
    response = client_for(reviewer).patch(
        f"/api/v1/claims/{claim.pk}/", {"status": "published"}, format="json"
    )
    error = assert_refused(response, 400, "invalid")
    assert "workflow actions" in error["fields"]["status"][0]
    assert "/transitions/" in error["message"]
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (Claim.Status.IN_REVIEW, version)
    for field in ("version", "id", "verdict", "assignee", "created_at"):
        response = client_for(reviewer).patch(
            f"/api/v1/claims/{claim.pk}/", {field: 1}, format="json"
        )
        assert list(assert_refused(response, 400, "invalid")["fields"]) == [field]


def test_a_verdicts_state_cannot_be_written_with_its_text(objects, reviewer):
    working = objects["working"]
    response = client_for(reviewer).post(
        f"/api/v1/claims/{working.pk}/verdicts/",
        {"rating": "false", **VERDICT, "state": "approved"},
        format="json",
    )
    error = assert_refused(response, 400, "invalid")
    assert "workflow actions" in error["fields"]["state"][0]
    assert working.verdicts.get().state == Verdict.State.DRAFT


def test_nested_input_is_strict_too(editor, db):
    response = client_for(editor).post(
        "/api/v1/claims/",
        {
            "text": "Prices doubled.",
            "source_url": "https://example.org/x",
            "claimant": {"name": "A", "nickname": "B"},
        },
        format="json",
    )
    error = assert_refused(response, 400, "invalid")
    assert "nickname" in error["fields"]["claimant"]
    assert not Claim.objects.exists()


def _schema(client) -> dict:
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _fill(path: str, objects: dict) -> str:
    working = objects["working"]
    return (
        path.replace("{claim_id}", str(working.pk))
        .replace("{kind}.{fmt}", "claims.csv")
        .replace("claims/{id}/", f"claims/{working.pk}/")
        .replace("evidence/{id}/", f"evidence/{objects['evidence'].pk}/")
        .replace("articles/{id}/", "articles/1/")
        .replace("webhooks/{id}/", f"webhooks/{objects['webhook'].pk}/")
    )


def test_every_json_body_of_the_schema_refuses_an_unknown_field(objects, editor):
    """Generally, not per endpoint: each operation that takes a JSON object is strict in
    its schema (additionalProperties: false) and in what it answers."""
    desk = client_for(editor)
    schema = _schema(desk)
    checked = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            node = _resolve(schema, body["schema"])
            if node.get("type") != "object":
                continue  # the import's raw body: the importer reads it itself
            assert node.get("additionalProperties") is False, (method, path)
            response = getattr(desk, method)(_fill(path, objects), {"bogus": 1}, format="json")
            error = assert_refused(response, 400, "invalid")
            assert "bogus" in error["fields"], (method, path, error)
            checked.append((method, path))
    assert len(checked) >= 8, checked


# -- NUL characters ------------------------------------------------------------------------


def test_a_nul_character_in_json_is_refused_before_any_query(objects, reviewer):
    working = objects["working"]
    desk = client_for(reviewer)
    verdicts = f"/api/v1/claims/{working.pk}/verdicts/"
    for body in (
        {"rating": "a\u0000b", **VERDICT},  # found by schemathesis: a 500 on PostgreSQL
        {"rating": "false", "summary": "x\u0000", "rationale": "y"},
        {"rating": "false", **VERDICT, "bo\u0000gus": 1},
    ):
        error = assert_refused(desk.post(verdicts, body, format="json"), 400, "parse_error")
        assert "NUL" in error["message"]
    assert working.verdicts.get().summary == VERDICT["summary"]
    response = desk.post(
        f"/api/v1/claims/{working.pk}/evidence/",
        {"url": "https://a.example/", "title": "T", "quote": ["\u0000"]},
        format="json",
    )
    assert_refused(response, 400, "parse_error")


def test_a_nul_character_in_a_query_or_path_is_refused(objects, editor):
    desk, anon = client_for(editor), client_for()
    for client in (desk, anon):
        for params in ({"search": "\x00"}, {"rating": "a\x00"}, {"status": "\x00"}):
            error = assert_refused(client.get("/api/v1/claims/", params), 400, "invalid")
            assert "NUL" in error["message"]
        assert_refused(client.get("/api/v1/claims/%00/"), 400, "invalid")
        assert_refused(client.get("/api/v1/exports/claims%00.csv"), 400, "invalid")


def test_a_nul_character_in_the_admin_and_desk_is_a_clean_refusal(client, objects, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    for url in (
        "/admin/claims/claim/?status__exact=%00",
        "/admin/reviews/verdict/?q=%00",
        "/?q=%00",
        "/desk/claims/?search=%00",
    ):
        response = client.get(url)
        assert response.status_code == 400, (url, response.status_code)
        assert b"NUL" in response.content
        assert b"Traceback" not in response.content
    response = client.post(
        f"/desk/claims/{objects['working'].pk}/verdict/",
        {"rating": str(objects["rating"].pk), "summary": "a\x00", "rationale": "b"},
    )
    assert response.status_code == 400
    assert objects["working"].verdicts.get().summary == VERDICT["summary"]


# -- methods --------------------------------------------------------------------------------


def test_every_method_an_endpoint_does_not_serve_is_405_for_everyone(
    objects, reviewer, editor, outsider
):
    clients = {
        "anonymous": client_for(),
        "outsider": client_for(outsider),
        "reviewer": client_for(reviewer),
        "editor": client_for(editor),
    }
    schema = _schema(clients["editor"])
    paths = {path: set(ops) - {"parameters"} for path, ops in schema["paths"].items()}
    paths["/api/v1/schema/?format=json"] = {"get"}
    checked = 0
    for path, served in paths.items():
        url = _fill(path, objects)
        for method in {"get", "post", "put", "patch", "delete"} - served:
            for role, client in clients.items():
                response = getattr(client, method)(url, {}, format="json")
                assert_refused(response, 405, "method_not_allowed")
                allowed = {m.strip().lower() for m in response["Allow"].split(",")}
                assert allowed >= served and method not in allowed, (role, method, path)
                checked += 1
    assert checked > 100
    # The finding: DELETE on a claim was a 403 although Allow does not list it.
    claim = objects["working"]
    response = clients["reviewer"].delete(f"/api/v1/claims/{claim.pk}/")
    assert_refused(response, 405, "method_not_allowed")
    assert "DELETE" not in response["Allow"]
    assert Claim.objects.filter(pk=claim.pk).exists()


# -- the right before the version -----------------------------------------------------------


def test_a_reviewer_publishing_with_a_stale_version_is_told_he_may_not_publish(
    objects, reviewer, other_reviewer
):
    claim = objects["working"]
    services.propose(claim_id=claim.pk, actor=reviewer)
    claim.refresh_from_db()
    stale = f'"claim-{claim.pk}-v{claim.version - 1}"'
    for who in (reviewer, other_reviewer):
        response = client_for(who).post(
            f"/api/v1/claims/{claim.pk}/transitions/",
            {"action": "publish"},
            format="json",
            HTTP_IF_MATCH=stale,
        )
        error = assert_refused(response, 403, "permission_denied")
        assert error["message"] == "Only an editor can publish a verdict."
    # A stale version from someone with the right is still a stale version.
    response = client_for(UserFactory(role="Editor")).post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"action": "publish"},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert_refused(response, 412, "stale_version")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PROPOSED


def test_a_claim_edit_by_someone_who_may_not_edit_is_403_whatever_the_version(
    objects, other_reviewer
):
    claim = objects["working"]
    response = client_for(other_reviewer).patch(
        f"/api/v1/claims/{claim.pk}/",
        {"text": "Changed."},
        format="json",
        HTTP_IF_MATCH=f'"claim-{claim.pk}-v{claim.version + 5}"',
    )
    assert_refused(response, 403, "permission_denied")


def test_a_reviewer_of_another_claim_is_told_he_may_not_before_its_state(
    objects, reviewer, other_reviewer
):
    # A proposed and a published claim are closed to everyone; only someone who could work
    # on them were they open (their reviewer, an editor) hears so. Anyone else is told he
    # may not, whatever the state and the version.
    proposed, published = objects["working"], objects["published"]
    services.propose(claim_id=proposed.pk, actor=reviewer)
    for claim in (proposed, published):
        claim.refresh_from_db()
        evidence = claim.evidence.get()
        stale = {"HTTP_IF_MATCH": f'"claim-{claim.pk}-v{claim.version - 1}"'}
        attempts = [
            ("patch", f"/api/v1/claims/{claim.pk}/", {"text": "Changed."}),
            ("post", f"/api/v1/claims/{claim.pk}/verdicts/", {"rating": "false", **VERDICT}),
            (
                "post",
                f"/api/v1/claims/{claim.pk}/evidence/",
                {"url": "https://a.example/", "title": "A"},
            ),
            ("patch", f"/api/v1/claims/{claim.pk}/evidence/{evidence.pk}/", {"title": "B"}),
            ("delete", f"/api/v1/claims/{claim.pk}/evidence/{evidence.pk}/", None),
        ]
        for method, path, body in attempts:
            for headers in ({}, stale):
                response = getattr(client_for(other_reviewer), method)(
                    path, body, format="json", **headers
                )
                error = assert_refused(response, 403, "permission_denied")
                assert "Only the assigned reviewer or an editor" in error["message"]
            # Its own reviewer is told the state.
            response = getattr(client_for(reviewer), method)(path, body, format="json")
            assert_refused(response, 409, "conflict")
        assert claim.evidence.get().title == evidence.title
    proposed.refresh_from_db()
    assert proposed.status == Claim.Status.PROPOSED


# -- ordering -------------------------------------------------------------------------------


def test_ordering_by_checkworthiness_really_orders(editor, db):
    scores = [0.3, 0.9, 0.1, 0.6]
    for score in scores:
        ClaimFactory(checkworthiness=score, assignee=editor, status=Claim.Status.IN_REVIEW)
    desk = client_for(editor)
    for path in ("/api/v1/claims/", "/api/v1/queue/"):
        for ordering, expected in (
            ("-checkworthiness", sorted(scores, reverse=True)),
            ("checkworthiness", sorted(scores)),
        ):
            response = desk.get(path, {"ordering": ordering})
            assert response.status_code == 200
            got = [row["checkworthiness"] for row in response.json()["results"]]
            assert got == pytest.approx(expected), (path, ordering)


def test_ordering_takes_exactly_the_documented_values(objects, editor):
    desk = client_for(editor)
    schema = _schema(desk)
    lists = 0
    for path, operations in schema["paths"].items():
        get = operations.get("get", {})
        documented = [p for p in get.get("parameters", []) if p["name"] == "ordering"]
        if not documented:
            continue
        lists += 1
        url = _fill(path, objects)
        for value in documented[0]["schema"]["enum"]:
            assert desk.get(url, {"ordering": value}).status_code == 200, (path, value)
        for value in ("bogus", "-bogus", "rationale", "id,bogus", "--id"):
            error = assert_refused(desk.get(url, {"ordering": value}), 400, "invalid")
            assert "ordering" in error["fields"], (path, value)
            assert "use one of" in error["message"]
    assert lists >= 6


# -- 201 only when created ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_first_drafts_get_exactly_one_201(transactional_db, reviewer):
    rating = RatingFactory(slug="false")
    claim = ClaimFactory()
    services.take(claim_id=claim.pk, actor=reviewer)
    count = 20
    barrier = threading.Barrier(count)
    statuses: list[int | str] = [0] * count

    def draft(index: int) -> None:
        try:
            client = client_for(reviewer)
            barrier.wait()
            response = client.post(
                f"/api/v1/claims/{claim.pk}/verdicts/",
                {"rating": rating.slug, "summary": f"Draft {index}.", "rationale": "Counted."},
                format="json",
            )
            statuses[index] = response.status_code
        except Exception as error:  # a crash is a failure of the test, not a status
            statuses[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draft, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201, 409}, statuses
    assert Verdict.objects.filter(claim=claim).count() == 1


def test_a_second_draft_answers_200(objects, reviewer):
    fresh = objects["fresh"]
    services.take(claim_id=fresh.pk, actor=reviewer)
    desk = client_for(reviewer)
    path = f"/api/v1/claims/{fresh.pk}/verdicts/"
    assert desk.post(path, {"rating": "false", **VERDICT}, format="json").status_code == 201
    assert desk.post(path, {"rating": "false", **VERDICT}, format="json").status_code == 200


# -- every path under /api/ answers in JSON -------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_every_path_under_api_gets_the_json_error_format(client, settings, debug, db):
    settings.DEBUG = debug
    for path in (
        "/api/v1/claims/%0A/",
        "/api/v1/%0A",
        "/api/v1/claims/1/%0Averdicts/",
        "/api/v1/%E2%98%83/",
        "/api/v1/claims/%E2%98%83/",
        "/api/v2/claims/",
        "/api/%0A",
        "/api/",
        "/api/v1/claims/1/verdicts/%FF/",
        "/api/v1/claims/1/\r\n/",
    ):
        for method in ("get", "post", "delete"):
            response = getattr(client, method)(path)
            assert response.status_code == 404, (method, path, response.status_code)
            assert response["Content-Type"] == "application/json", (method, path)
            assert response.json()["error"]["code"] == "not_found"
