"""ClaimReview in: fact-check pages (JSON-LD and microdata), DataFeed files and the public
fact-check search API's JSON, written in other publishers' styles, with malformed items,
duplicates and ratings the mapping table does not know; the command, the API, the admin's
mapping table, and a round trip of our own feed into a fresh database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import services
from reviews.models import ExternalFactCheck, Rating, RatingMapping
from tests.conftest import client_for
from tests.factories import ClaimFactory, UserFactory
from tests.test_claimreview_feed import build_desk, publish

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
INPUTS = Path(__file__).parent / "exchange_inputs"


@pytest.fixture
def scale(db):
    call_command("loaddata", str(ROOT / "fixtures" / "ratings.json"), verbosity=0)
    call_command("loaddata", str(ROOT / "fixtures" / "rating_mappings.json"), verbosity=0)
    return {r.slug: r for r in Rating.objects.all()}


def run(*paths) -> tuple[int, list[str], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_claimreview", *map(str, paths), stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue().splitlines(), err.getvalue().splitlines()


def row(url: str) -> ExternalFactCheck:
    return ExternalFactCheck.objects.select_related("rating").get(url=url)


def test_a_page_s_json_ld_graph_becomes_an_external_fact_check(scale):
    code, out, err = run(INPUTS / "verifica-page.html")
    assert (code, err) == (0, [])
    assert out[0].endswith(
        "verifica-page.html: 1 new, 0 updated, 0 unchanged, 0 duplicate, "
        "0 refused; 0 with an unmapped rating"
    )
    # The url is stored in its one spelling: lower-case host, no fragment or trailing slash.
    check = row("https://verifica.example/2026/02/paro-9")
    assert (check.publisher, check.publisher_site) == ("Verifica", "https://verifica.example/")
    assert check.claim_text == "El paro ha bajado al 9 % por primera vez desde 2008"
    assert (check.claimant, check.claimant_kind) == ("Luis Ortega", "person")
    assert check.claim_date.isoformat() == "2026-02-09"
    assert check.review_date.isoformat() == "2026-02-11"
    assert check.appearance_url == "https://tv.example/entrevista-ortega"
    assert (check.language, check.source) == ("es", "page")
    # Their word is kept; their number on their scale reads as ours.
    assert (check.rating_text, check.rating_value, check.best_rating) == ("Engañoso", 2.0, 5.0)
    assert check.rating == scale["mostly-false"]


def test_a_page_s_microdata_is_read_too(scale):
    code, _, err = run(INPUTS / "microdata-page.html")
    assert (code, err) == (0, [])
    check = row("https://birdfacts.example/checks/wind-farms-birds")
    assert check.claimant == "Coalition for Rural Skies"
    assert check.claimant_kind == "organization"
    assert (check.rating_text, check.rating_value, check.rating) == (
        "Pants on Fire",
        None,
        scale["false"],
    )


def test_pages_without_a_usable_review_are_refused_with_one_line_each(scale):
    code, out, err = run(INPUTS / "broken-page.html", INPUTS / "nothing-page.html")
    assert code == 1
    assert err[0].endswith("broken-page.html: json-ld[0]: no reviewRating")
    assert err[1].endswith("nothing-page.html: no ClaimReview in the page's markup")
    assert out[-1].startswith("total: 0 new") and "2 refused" in out[-1]
    assert not ExternalFactCheck.objects.exists()


def test_a_data_feed_imports_the_good_items_and_names_each_bad_one(scale):
    code, out, err = run(INPUTS / "partner-feed.jsonld")
    assert code == 1
    name = str(INPUTS / "partner-feed.jsonld")
    assert err == [
        f"{name}: dataFeedElement[3]: no url",
        f"{name}: dataFeedElement[4]: reviewRating.ratingValue: 'ten' is not a number",
        f"{name}: dataFeedElement[5]: itemReviewed.datePublished: 'last Tuesday' is not a date",
        f"{name}: dataFeedElement[6]: not a ClaimReview (NewsArticle)",
    ]
    assert out[0] == (
        f"{name}: 3 new, 0 updated, 0 unchanged, 1 duplicate, 4 refused; 1 with an unmapped rating"
    )
    assert ExternalFactCheck.objects.count() == 3
    # A DataFeedItem's item, as DataCommons-style feeds wrap them.
    ferry = row("https://nordcheck.example/fc/ferry-prices")
    assert (ferry.claimant, ferry.claim_date.isoformat()) == ("Kari Nilsen", "2026-02-26")
    assert ferry.rating == scale["mostly-true"]
    # A four-step scale the table does not know: kept as the publisher said it.
    cod = row("https://nordcheck.example/fc/cod-quota")
    assert (cod.rating_text, cod.rating_value, cod.best_rating, cod.worst_rating) == (
        "Four Pinocchios",
        1.0,
        4.0,
        1.0,
    )
    assert cod.rating is None
    # Prefixed property names ("schema:url") are the same properties.
    bridge = row("https://nordcheck.example/fc/bridge-cost")
    assert (bridge.rating_text, bridge.rating) == ("Half-true", scale["half-true"])


def test_the_search_api_s_claims_become_one_row_per_review(scale):
    code, _, err = run(INPUTS / "search-api.json")
    assert code == 1
    name = str(INPUTS / "search-api.json")
    assert err == [
        f"{name}: claims[2].claimReview[0]: no text (the claim)",
        f"{name}: claims[3]: no claimReview",
        f"{name}: claims[4].claimReview[0]: url: 'javascript:alert(1)' is not an http(s) url",
        f"{name}: claims[4].claimReview[1]: no textualRating",
    ]
    spike = row("https://healthcheck.example/checks/spike-shedding")
    assert (spike.claim_text, spike.claimant) == (
        "Vaccinated people shed the spike protein to others",
        "Viral video",
    )
    assert (spike.claim_date.isoformat(), spike.review_date.isoformat()) == (
        "2026-01-14",
        "2026-01-20",
    )
    assert (spike.publisher_site, spike.source, spike.rating) == (
        "healthcheck.example",
        "search_api",
        scale["false"],
    )
    # The same claim checked by another publisher in its own words: stored, unmapped.
    other = row("https://faktisk.example/faktasjekk/spike")
    assert (other.rating_text, other.rating, other.language) == ("Helt feil", None, "no")
    # A publisher known only by its site is named by it; ratings match ignoring case.
    trees = row("https://citywatch.example/trees")
    assert (trees.publisher, trees.rating) == ("citywatch.example", scale["mostly-true"])
    assert ExternalFactCheck.objects.count() == 3


def test_importing_again_changes_nothing_and_a_changed_review_is_updated(scale, tmp_path):
    run(INPUTS)
    before = {f.url: (f.pk, f.updated_at) for f in ExternalFactCheck.objects.all()}
    code, out, _ = run(INPUTS)
    assert code == 1  # the same bad items are refused again
    assert out[-1].startswith("total: 0 new, 0 updated, 8 unchanged")
    assert {f.url: (f.pk, f.updated_at) for f in ExternalFactCheck.objects.all()} == before

    feed = json.loads((INPUTS / "partner-feed.jsonld").read_text())
    cod = feed["dataFeedElement"][1]
    cod["reviewRating"] = {"@type": "Rating", "alternateName": "False"}
    changed = tmp_path / "feed.jsonld"
    changed.write_text(json.dumps({**feed, "dataFeedElement": [cod]}))
    code, out, _ = run(changed)
    assert (code, out[0].split(": ", 1)[1][:30]) == (0, "0 new, 1 updated, 0 unchanged,")
    cod_row = row("https://nordcheck.example/fc/cod-quota")
    assert (cod_row.rating_text, cod_row.rating_value, cod_row.rating) == (
        "False",
        None,
        scale["false"],
    )


def test_urls_files_that_are_not_there_and_garbage_are_refused_cleanly(
    scale, tmp_path, settings, inputs_server
):
    settings.FACTCHECK_FETCH_ALLOW = []
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\xff{not json")
    loopback = f"{inputs_server}/partner-feed.jsonld"
    code, out, err = run(loopback, tmp_path / "missing.json", garbage)
    assert code == 1
    # One line each, naming the input and the problem.
    assert err == [
        f"{loopback}: not fetched: 127.0.0.1 is a loopback address",
        f"{tmp_path / 'missing.json'}: cannot be read (No such file or directory)",
        err[2],
    ]
    assert err[2].startswith(f"{garbage}: not JSON or HTML")
    assert "Traceback" not in "\n".join(err + out)
    assert ExternalFactCheck.objects.count() == 0


@pytest.fixture
def inputs_server():
    """The fixtures folder served on loopback (as a partner's site would serve them)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        extensions_map = {
            **SimpleHTTPRequestHandler.extensions_map,
            ".jsonld": "application/ld+json",
        }

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=INPUTS))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_urls_are_fetched_through_the_guarded_fetcher_when_allowed(
    scale, settings, inputs_server, editor
):
    settings.FACTCHECK_FETCH_ALLOW = [inputs_server.removeprefix("http://")]
    feed, page = f"{inputs_server}/partner-feed.jsonld", f"{inputs_server}/verifica-page.html"
    code, out, err = run(feed, page, f"{inputs_server}/no-such-file.json")
    assert code == 1
    assert out[0].startswith(f"{feed}: 3 new,") and out[1].startswith(f"{page}: 1 new,")
    assert f"{inputs_server}/no-such-file.json: the server answered HTTP 404" in err
    assert ExternalFactCheck.objects.filter(source="page").count() == 1
    assert ExternalFactCheck.objects.filter(source="feed").count() == 3

    # The API's import by url: the same fetch, the same report; refused alike.
    reviewer = UserFactory(username="rita", role="Reviewer")
    answer = client_for(reviewer).post(
        "/api/v1/external-factchecks/import-url/", {"url": feed}, format="json"
    )
    assert answer.status_code == 403
    client = client_for(editor)
    done = client.post("/api/v1/external-factchecks/import-url/", {"url": feed}, format="json")
    assert done.status_code == 200 and done.json()["unchanged"] == 3
    settings.FACTCHECK_FETCH_ALLOW = []
    refused = client.post("/api/v1/external-factchecks/import-url/", {"url": page}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["url"] == [
        f"{page}: not fetched: 127.0.0.1 is a loopback address"
    ]


def test_a_mapping_added_in_the_admin_reads_stored_ratings_again(scale):
    run(INPUTS / "partner-feed.jsonld", INPUTS / "search-api.json")
    assert row("https://faktisk.example/faktasjekk/spike").rating is None
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for()
    client.force_login(admin)
    url = "/admin/reviews/ratingmapping/add/"
    added = client.post(
        url,
        {"publisher": "faktisk", "rating_text": "HELT  FEIL", "rating": scale["false"].pk},
        secure=True,
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    assert row("https://faktisk.example/faktasjekk/spike").rating == scale["false"]
    # The same words again for the same publisher: a form error, not a 500.
    again = client.post(
        url,
        {"publisher": "Faktisk", "rating_text": "helt feil", "rating": scale["true"].pk},
        secure=True,
    )
    assert (
        again.status_code == 200
        and RatingMapping.objects.filter(publisher_key="faktisk").count() == 1
    )
    # A number on a four-step scale, for one publisher.
    client.post(
        url,
        {
            "publisher": "NordCheck",
            "rating_value": "1",
            "best_rating": "4",
            "worst_rating": "1",
            "rating": scale["false"].pk,
        },
        secure=True,
    )
    assert row("https://nordcheck.example/fc/cod-quota").rating == scale["false"]
    mapping = RatingMapping.objects.get(publisher="faktisk")
    deleted = client.post(
        f"/admin/reviews/ratingmapping/{mapping.pk}/delete/", {"post": "yes"}, secure=True
    )
    assert deleted.status_code == 302
    assert row("https://faktisk.example/faktasjekk/spike").rating is None


# -- the API ---------------------------------------------------------------------------


def test_editors_import_through_the_api_and_the_desk_reads_the_list(scale, editor, reviewer):
    client = client_for(editor)
    page = (INPUTS / "verifica-page.html").read_bytes()
    done = client.post(
        "/api/v1/external-factchecks/import/", page, content_type="text/html; charset=utf-8"
    )
    assert done.status_code == 200, done.json()
    assert done.json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "duplicates": 0,
        "unmapped": 0,
        "withdrawn": 0,
        "refused": [],
    }
    feed = (INPUTS / "partner-feed.jsonld").read_bytes()
    done = client.post(
        "/api/v1/external-factchecks/import/", feed, content_type="application/ld+json"
    )
    assert done.status_code == 200
    assert done.json()["created"] == 3
    assert {"item": "dataFeedElement[3]", "problem": "no url"} in done.json()["refused"]

    listed = client_for(reviewer).get("/api/v1/external-factchecks/")
    assert listed.status_code == 200
    by_url = {r["url"]: r for r in listed.json()["results"]}
    assert by_url["https://verifica.example/2026/02/paro-9"]["rating"]["slug"] == "mostly-false"
    assert by_url["https://nordcheck.example/fc/cod-quota"]["rating"] is None
    assert by_url["https://nordcheck.example/fc/cod-quota"]["rating_text"] == "Four Pinocchios"


def test_the_import_endpoint_refuses_the_wrong_people_and_bad_bodies(scale, reviewer, editor):
    path = "/api/v1/external-factchecks/import/"
    body = (INPUTS / "search-api.json").read_bytes()
    assert client_for().post(path, body, content_type="application/json").status_code in (401, 403)
    refused = client_for(reviewer).post(path, body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"]
    assert client_for().get("/api/v1/external-factchecks/").status_code in (401, 403)

    client = client_for(editor)
    bad = client.post(path, b"{oops", content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["body"][0].startswith("not JSON or HTML")
    nothing = client.post(path, b'{"@type": "Recipe"}', content_type="application/ld+json")
    assert nothing.status_code == 400
    for media in ("text/html", "application/json"):
        empty = client.post(path, b"", content_type=media)
        assert empty.status_code == 400 and empty.json()["error"]["code"] == "invalid"
    wrong = client.post(path, b"a,b\n", content_type="text/csv")
    assert wrong.status_code == 415 and wrong.json()["error"]["code"] == "unsupported_media_type"
    assert not ExternalFactCheck.objects.exists()


def test_the_list_s_query_count_does_not_grow_with_its_length(scale, editor):
    run(INPUTS)
    client = client_for(editor)
    client.get("/api/v1/external-factchecks/", {"page_size": 1})
    counts = []
    for size in (1, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/external-factchecks/", {"page_size": size})
        assert len(response.json()["results"]) == (1 if size == 1 else 8)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- the round trip ----------------------------------------------------------------------


def test_our_feed_imported_into_a_fresh_database_gives_the_same_claims_and_ratings(
    tmp_path, reviewer, editor, other_editor, settings
):
    """Our own ClaimReview, out through the feed and into another desk's database."""
    settings.FACTCHECK_SITE_URL = "https://desk.example"
    world = build_desk(reviewer, editor, other_editor)
    # One more published, then withdrawn: in the feed, marked so, and not imported.
    gone = ClaimFactory(
        text="Exports tripled last year.", article__body="Exports tripled last year."
    )
    publish(gone, reviewer=reviewer, editor=editor, rating=Rating.objects.get(slug="false"))
    services.withdraw(claim_id=gone.pk, actor=editor, note="The trade data was revised.")
    world["gone"] = gone
    feed = client_for().get("/api/v1/claimreview/?page_size=100").json()
    assert len(feed["dataFeedElement"]) == 4
    assert [
        i["creativeWorkStatus"] for i in feed["dataFeedElement"] if "reviewRating" not in i
    ] == ["withdrawn"]
    path = tmp_path / "our-feed.jsonld"
    path.write_text(json.dumps(feed))

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env["FACTCHECK_VAR_DIR"] = str(tmp_path / "var")
    manage = [sys.executable, str(ROOT / "manage.py")]

    def fresh(*args):
        return subprocess.run(
            [*manage, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )

    fixtures = [str(ROOT / "fixtures" / f) for f in ("ratings.json", "rating_mappings.json")]
    for step in (
        ["migrate", "--noinput"],
        ["loaddata", *fixtures],
        ["import_claimreview", str(path)],
    ):
        done = fresh(*step)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    dumped = fresh("dumpdata", "reviews.externalfactcheck", "reviews.rating")
    rows = json.loads(dumped.stdout)
    ratings = {r["pk"]: r["fields"]["slug"] for r in rows if r["model"] == "reviews.rating"}
    imported = {
        r["fields"]["claim_text"]: (
            r["fields"]["claimant"],
            r["fields"]["claim_date"],
            r["fields"]["rating_text"],
            ratings.get(r["fields"]["rating"]),
        )
        for r in rows
        if r["model"] == "reviews.externalfactcheck"
    }
    ours = {}
    for claim in world.values():
        verdict = claim.verdicts.filter(state="approved").select_related("rating").first()
        if verdict is None:
            continue
        claim_date = claim.claim_date or claim.article.published
        ours[claim.text] = (
            claim.claimant.name if claim.claimant else "",
            claim_date.isoformat() if claim_date else None,
            verdict.rating.label,
            verdict.rating.slug,
        )
    assert imported == ours


def test_a_withdrawal_in_a_feed_removes_the_stored_copy(
    tmp_path, reviewer, editor, other_editor, settings
):
    settings.FACTCHECK_SITE_URL = "https://desk.example"
    world = build_desk(reviewer, editor, other_editor)
    path = tmp_path / "feed.jsonld"
    path.write_text(json.dumps(client_for().get("/api/v1/claimreview/").json()))
    assert run(path)[0] == 0
    assert ExternalFactCheck.objects.count() == 3

    services.withdraw(claim_id=world["office"].pk, actor=editor, note="Revised release.")
    path.write_text(json.dumps(client_for().get("/api/v1/claimreview/").json()))
    code, out, err = run(path)
    assert code == 0 and err == []
    assert out[0] == (
        f"{path}: 0 new, 0 updated, 2 unchanged, 0 duplicate, 1 withdrawn (removed), "
        "0 refused; 2 with an unmapped rating"  # no mapping table loaded here
    )
    assert not ExternalFactCheck.objects.filter(claim_text=world["office"].text).exists()
    assert ExternalFactCheck.objects.count() == 2
