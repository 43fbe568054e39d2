"""The desk's pages and the public verdict page through Django's test client: who may open
what, which buttons each person sees, refusals and stale forms on the page, escaping, and
query counts that do not grow with the claims shown."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, SimilarClaim
from reviews import services
from reviews.claimreview import claim_review
from reviews.models import Evidence, Verdict
from reviews.selectors import claims_for_claimreview
from tests.conftest import desk_client
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    RatingFactory,
)

pytestmark = pytest.mark.django_db


# -- helpers ----------------------------------------------------------------------------


def client_for(user) -> Client:
    # Its posts carry the one-time token the desk's pages draw into each form.
    return desk_client(user)


def desk_url(claim) -> str:
    return reverse("desk-claim", args=[claim.pk])


def action_url(claim) -> str:
    return reverse("desk-claim-action", args=[claim.pk])


def text_of(response) -> str:
    return response.content.decode()


def buttons(response) -> set[str]:
    """The workflow actions offered on a claim page (each button carries data-action)."""
    return set(re.findall(r'data-action="([a-z_]+)"', text_of(response)))


def fresh(claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def taken(claim, reviewer) -> Claim:
    return services.take(claim_id=claim.pk, actor=reviewer)


def with_draft(claim, reviewer, rating) -> Claim:
    taken(claim, reviewer)
    services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://records.example/un", title="UN record"
    )
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=reviewer,
        rating=rating,
        summary="Thirty-five states abstained.",
        rationale="Read the UN's record of the meeting.",
    )
    return fresh(claim)


def proposed(claim, reviewer, rating) -> Claim:
    with_draft(claim, reviewer, rating)
    return services.propose(claim_id=claim.pk, actor=reviewer)


def published(claim, reviewer, editor, rating) -> Claim:
    proposed(claim, reviewer, rating)
    return services.publish(claim_id=claim.pk, actor=editor)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


class FormAudit(HTMLParser):
    """Collects forms, CSRF fields, visible fields and labels from a page."""

    def __init__(self):
        super().__init__()
        self.post_forms = 0
        self.csrf_fields = 0
        self.field_ids: list[str | None] = []
        self.label_fors: set[str] = set()
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.post_forms += 1
        if tag == "input" and a.get("name") == "csrfmiddlewaretoken":
            self.csrf_fields += 1
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.field_ids.append(a.get("id"))
        if tag == "label" and a.get("for"):
            self.label_fors.add(a["for"])


def audit(response) -> FormAudit:
    parser = FormAudit()
    parser.feed(text_of(response))
    return parser


# -- who may open what ------------------------------------------------------------------


def desk_pages(claim):
    return [
        reverse("dashboard"),
        reverse("desk-articles"),
        reverse("desk-article", args=[claim.article_id]),
        desk_url(claim),
    ]


def test_anonymous_visitors_are_sent_to_log_in_from_every_desk_page(claim):
    for url in desk_pages(claim):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_outsiders_get_403_on_every_desk_page_and_cannot_post(claim, outsider):
    client = client_for(outsider)
    for url in desk_pages(claim):
        assert client.get(url).status_code == 403, url
    response = client.post(action_url(claim), {"action": "take", "version": claim.version})
    assert response.status_code == 403
    assert fresh(claim).status == Claim.Status.NEW


@pytest.mark.parametrize("who", ["reviewer", "editor"])
def test_reviewers_and_editors_open_every_desk_page(who, claim, request):
    client = client_for(request.getfixturevalue(who))
    for url in desk_pages(claim):
        assert client.get(url).status_code == 200, url


def test_a_missing_claim_is_404_on_the_desk(editor):
    assert client_for(editor).get("/desk/claims/999999/").status_code == 404


@pytest.mark.parametrize("who", [None, "outsider", "reviewer", "editor"])
def test_public_page_is_404_before_publication_for_everyone(who, claim, reviewer, rating, request):
    user = request.getfixturevalue(who) if who else None
    proposed(claim, reviewer, rating)
    response = client_for(user).get(reverse("public-claim", args=[claim.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", [None, "outsider", "reviewer", "editor"])
def test_public_page_of_a_published_claim_opens_for_everyone(
    who, claim, reviewer, editor, rating, request
):
    user = request.getfixturevalue(who) if who else None
    published(claim, reviewer, editor, rating)
    response = client_for(user).get(reverse("public-claim", args=[claim.pk]))
    assert response.status_code == 200
    assert "Thirty-five states abstained." in text_of(response)
    # Only the desk is offered the way to the desk's page.
    assert (desk_url(claim) in text_of(response)) == (who in ("reviewer", "editor"))


def test_log_in_page_logs_in_and_log_out_is_a_post(reviewer):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("login"),
        {
            "username": "rita",
            "password": "correct horse battery staple",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    token = client.cookies["csrftoken"].value
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_wrong_password_is_refused_on_the_page(reviewer):
    response = Client().post(reverse("login"), {"username": "rita", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in text_of(response)


# -- buttons per role and state ---------------------------------------------------------


def test_new_claim_buttons_reviewer_takes_editor_also_assigns_and_dismisses(
    claim, reviewer, editor
):
    assert buttons(client_for(reviewer).get(desk_url(claim))) == {"take"}
    assert buttons(client_for(editor).get(desk_url(claim))) == {"take", "assign", "dismiss"}


def test_in_review_claim_buttons_assignee_proposes_others_do_not(
    claim, reviewer, other_reviewer, editor
):
    taken(claim, reviewer)
    assert buttons(client_for(reviewer).get(desk_url(claim))) == {"propose"}
    assert buttons(client_for(other_reviewer).get(desk_url(claim))) == set()
    assert buttons(client_for(editor).get(desk_url(claim))) == {"assign", "dismiss"}


def test_proposed_claim_buttons_only_another_editor_publishes_or_sends_back(
    claim, reviewer, editor, rating
):
    proposed(claim, reviewer, rating)
    reviewer_page = client_for(reviewer).get(desk_url(claim))
    # The proposer may only take the proposal back.
    assert buttons(reviewer_page) == {"withdraw_proposal"}
    assert "Publish" not in text_of(reviewer_page)
    assert buttons(client_for(editor).get(desk_url(claim))) == {"publish", "send_back"}


def test_an_editor_who_proposed_sees_no_publish_button_but_another_editor_does(
    claim, editor, other_editor, rating
):
    proposed(claim, editor, rating)
    assert buttons(client_for(editor).get(desk_url(claim))) == {"withdraw_proposal"}
    assert buttons(client_for(other_editor).get(desk_url(claim))) == {"publish", "send_back"}


def test_published_and_dismissed_claim_buttons(claim, reviewer, editor, rating):
    published(claim, reviewer, editor, rating)
    assert buttons(client_for(reviewer).get(desk_url(claim))) == set()
    assert buttons(client_for(editor).get(desk_url(claim))) == {"reopen", "withdraw"}

    other = ClaimFactory()
    services.dismiss(claim_id=other.pk, actor=editor, reason="An opinion.")
    assert buttons(client_for(reviewer).get(desk_url(other))) == set()
    assert buttons(client_for(editor).get(desk_url(other))) == {"restore"}


def test_every_action_form_carries_the_version_the_user_saw(claim, editor):
    taken_claim = taken(claim, editor)
    page = text_of(client_for(editor).get(desk_url(claim)))
    versions = re.findall(r'name="version" value="(\d+)"', page)
    assert versions and set(versions) == {str(taken_claim.version)}


# -- actions through the page -----------------------------------------------------------


def test_taking_a_claim_from_its_page_assigns_it_and_records_the_step(claim, reviewer):
    client = client_for(reviewer)
    response = client.post(action_url(claim), {"action": "take", "version": claim.version})
    assert response.status_code == 302 and response["Location"] == desk_url(claim)
    claim = fresh(claim)
    assert claim.status == Claim.Status.IN_REVIEW and claim.assignee == reviewer
    page = text_of(client.get(desk_url(claim)))
    assert "Done: take." in page
    assert re.search(r"<strong>rita</strong> take", page)


def test_an_editor_assigns_from_the_page(claim, editor, reviewer):
    response = client_for(editor).post(
        action_url(claim), {"action": "assign", "version": claim.version, "assignee": reviewer.pk}
    )
    assert response.status_code == 302
    assert fresh(claim).assignee == reviewer


def test_a_refused_action_shows_the_services_message_not_a_500(claim, reviewer, rating):
    claim = proposed(claim, reviewer, rating)
    response = client_for(reviewer).post(
        action_url(claim), {"action": "publish", "version": claim.version}
    )
    assert response.status_code == 403
    assert "Only an editor can publish a verdict." in text_of(response)
    assert fresh(claim).status == Claim.Status.PROPOSED


def test_a_missing_reason_is_refused_with_the_message_and_the_form_again(claim, editor):
    response = client_for(editor).post(
        action_url(claim), {"action": "dismiss", "version": claim.version, "comment": "  "}
    )
    assert response.status_code == 400
    assert "A reason for dismissing is required." in text_of(response)
    assert buttons(response) == {"take", "assign", "dismiss"}
    assert fresh(claim).status == Claim.Status.NEW


def test_an_unreadable_action_form_is_a_400_with_a_message(claim, editor):
    response = client_for(editor).post(action_url(claim), {"action": "take"})
    assert response.status_code == 400
    assert "The form could not be read" in text_of(response)
    response = client_for(editor).post(action_url(claim), {"action": "fly", "version": 1})
    assert response.status_code == 400


def test_a_stale_action_form_says_so_and_keeps_what_was_typed(claim, editor, reviewer):
    seen_version = claim.version
    taken(claim, reviewer)  # meanwhile, the reviewer takes it
    reason = "Opinion <b>not</b> a checkable fact"
    response = client_for(editor).post(
        action_url(claim), {"action": "dismiss", "version": seen_version, "comment": reason}
    )
    assert response.status_code == 412
    page = text_of(response)
    assert "Someone else changed this claim since you loaded it." in page
    assert "has changed since you loaded it" in page
    # Dismiss is still open to the editor: its form comes back filled in, at the new version.
    assert re.search(
        r'<textarea id="id_dismiss_comment"[^>]*>Opinion &lt;b&gt;not&lt;/b&gt; a checkable fact'
        r"</textarea>",
        page,
    )
    assert f'name="version" value="{fresh(claim).version}"' in page
    assert fresh(claim).status == Claim.Status.IN_REVIEW


def test_a_stale_form_for_an_action_no_longer_open_keeps_the_text_to_copy(
    claim, reviewer, editor, other_editor, rating
):
    claim = proposed(claim, reviewer, rating)
    seen_version = claim.version
    services.publish(claim_id=claim.pk, actor=other_editor)  # meanwhile
    response = client_for(editor).post(
        action_url(claim),
        {"action": "send_back", "version": seen_version, "comment": "Cite the roll call."},
    )
    assert response.status_code == 412
    page = text_of(response)
    assert "has changed since you loaded it" in page
    assert buttons(response) == {"reopen", "withdraw"}
    assert re.search(
        r'<textarea id="kept-comment" readonly[^>]*>Cite the roll call\.</textarea>', page
    )


# -- evidence and verdict forms ---------------------------------------------------------


def test_the_assignee_adds_evidence_from_the_page(claim, reviewer):
    taken(claim, reviewer)
    client = client_for(reviewer)
    response = client.post(
        reverse("desk-claim-evidence", args=[claim.pk]),
        {
            "url": "https://records.example/un/a-res-es-11-1",
            "title": "Resolution ES-11/1",
            "publisher": "United Nations",
            "quote": "141 in favour, 35 abstentions",
            "kind": "official_record",
            "stance": "supports",
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(claim=claim)
    assert (evidence.title, evidence.added_by, evidence.stance) == (
        "Resolution ES-11/1",
        reviewer,
        "supports",
    )
    page = text_of(client.get(desk_url(claim)))
    assert "Resolution ES-11/1" in page and "141 in favour, 35 abstentions" in page


def test_evidence_refused_by_the_service_keeps_the_typed_form(claim, reviewer, other_reviewer):
    taken(claim, reviewer)
    response = client_for(other_reviewer).post(
        reverse("desk-claim-evidence", args=[claim.pk]),
        {"url": "https://a.example/x", "title": "My source", "kind": "other", "stance": "context"},
    )
    assert response.status_code == 403
    page = text_of(response)
    assert "Only the assigned reviewer or an editor can change" in page
    assert 'value="My source"' in page and 'value="https://a.example/x"' in page
    assert not Evidence.objects.exists()


def test_evidence_with_a_bad_url_is_refused_field_by_field(claim, reviewer):
    taken(claim, reviewer)
    response = client_for(reviewer).post(
        reverse("desk-claim-evidence", args=[claim.pk]),
        {"url": "not a url", "title": "", "kind": "other", "stance": "context"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Enter a valid URL." in page and "This field is required." in page
    assert 'value="not a url"' in page


def test_the_assignee_saves_and_edits_a_verdict_draft(claim, reviewer, rating):
    taken(claim, reviewer)
    client = client_for(reviewer)
    url = reverse("desk-claim-verdict", args=[claim.pk])
    form = {"rating": rating.pk, "summary": "First try.", "rationale": "Count the votes."}
    assert client.post(url, form).status_code == 302
    assert client.post(url, {**form, "summary": "Second try."}).status_code == 302
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.summary, verdict.state, verdict.author) == ("Second try.", "draft", reviewer)
    page = text_of(client.get(desk_url(claim)))
    assert "Second try.</textarea>" in page


def test_a_refused_verdict_draft_keeps_everything_typed(claim, reviewer, rating):
    # Not taken: the service refuses, and the summary and rationale come back.
    response = client_for(reviewer).post(
        reverse("desk-claim-verdict", args=[claim.pk]),
        {"rating": rating.pk, "summary": "My summary", "rationale": "My long method"},
    )
    assert response.status_code == 403
    page = text_of(response)
    assert "Only the assigned reviewer or an editor can change" in page
    assert "My summary</textarea>" in page and "My long method</textarea>" in page
    assert not Verdict.objects.exists()


def test_a_verdict_sent_after_the_claim_was_reassigned_says_it_changed_and_keeps_the_text(
    claim, reviewer, other_reviewer, editor, rating
):
    claim = taken(claim, reviewer)
    seen_version = claim.version
    services.assign(claim_id=claim.pk, actor=editor, assignee=other_reviewer)  # meanwhile
    response = client_for(reviewer).post(
        reverse("desk-claim-verdict", args=[claim.pk]),
        {
            "version": seen_version,
            "rating": rating.pk,
            "summary": "My summary",
            "rationale": "An hour of work",
        },
    )
    assert response.status_code == 403
    page = text_of(response)
    assert "Someone else changed this claim since you loaded it." in page
    assert "My summary</textarea>" in page and "An hour of work</textarea>" in page
    assert f'name="version" value="{fresh(claim).version}"' in page
    assert not Verdict.objects.exists()


def test_a_summary_over_300_characters_is_refused_with_input_kept(claim, reviewer, rating):
    taken(claim, reviewer)
    response = client_for(reviewer).post(
        reverse("desk-claim-verdict", args=[claim.pk]),
        {"rating": rating.pk, "summary": "x" * 301, "rationale": "Method."},
    )
    assert response.status_code == 400
    assert "Method.</textarea>" in text_of(response)


def test_proposing_without_evidence_shows_the_rule(claim, reviewer, rating):
    claim = taken(claim, reviewer)
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary="S.", rationale="R."
    )
    response = client_for(reviewer).post(
        action_url(claim), {"action": "propose", "version": claim.version, "comment": "Ready"}
    )
    # A conflict with the claim's state (409), as in the API: the same step succeeds once
    # the claim has evidence.
    assert response.status_code == 409
    assert "Add at least one evidence record before proposing a verdict." in text_of(response)


# -- the claim page's content -----------------------------------------------------------


def test_claim_page_shows_paragraph_claimant_worthiness_similar_and_history(
    reviewer, editor, rating
):
    article = ArticleFactory(
        body="Earlier line.\n\nThe minister said 35 countries abstained on the vote. Then more.\n\n"
        "Later line."
    )
    claim = ClaimFactory(
        article=article, checkworthiness=0.82, checkworthiness_reasons=["number", "attribution"]
    )
    elsewhere = ClaimFactory(
        article=ArticleFactory(outlet=OutletFactory(name="Other Times")),
        text="The minister said 35 countries abstained on the vote.",
    )
    low, high = sorted([claim.pk, elsewhere.pk])
    SimilarClaim.objects.create(
        from_claim_id=low,
        to_claim_id=high,
        score=0.91,
        conflicting=True,
        conflict_detail="35 here, 38 there",
    )
    taken(claim, reviewer)
    page = text_of(client_for(editor).get(desk_url(claim)))
    assert '<mark class="hl hl-current status-in_review">The minister said 35 countries' in page
    assert "Then more." in page and "Earlier line." in page and "Later line." in page
    assert claim.claimant.name in page
    assert "82%" in page and "attribution" in page
    assert "Other Times" in page and "Conflicting" in page and "35 here, 38 there" in page
    assert re.search(r"<strong>rita</strong> take", page)


def test_similar_claims_show_from_either_end_of_the_pair(editor):
    first, second = ClaimFactory(), ClaimFactory()
    SimilarClaim.objects.create(from_claim=first, to_claim=second, score=0.8)
    client = client_for(editor)
    assert desk_url(second) in text_of(client.get(desk_url(first)))
    assert desk_url(first) in text_of(client.get(desk_url(second)))


def test_every_field_on_the_claim_page_has_a_label_and_every_post_form_a_csrf_token(
    claim, editor, rating
):
    taken(claim, editor)
    response = client_for(editor).get(desk_url(claim))
    found = audit(response)
    assert found.post_forms >= 4  # actions, evidence, verdict, log out
    assert found.csrf_fields == found.post_forms
    assert found.field_ids and None not in found.field_ids
    assert set(found.field_ids) <= found.label_fors
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text_of(
        response
    )


def test_dashboard_search_field_has_a_label(editor):
    found = audit(client_for(editor).get(reverse("dashboard")))
    assert found.field_ids and set(found.field_ids) <= found.label_fors


def test_posting_without_a_csrf_token_is_refused(claim, reviewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = client.post(action_url(claim), {"action": "take", "version": claim.version})
    assert response.status_code == 403
    assert fresh(claim).status == Claim.Status.NEW


# -- dashboard --------------------------------------------------------------------------


def test_dashboard_lists_my_claims_the_queue_by_worthiness_and_what_awaits_me(
    reviewer, editor, other_editor, rating
):
    low = ClaimFactory(
        checkworthiness=0.2, text="The minister said 35 countries abstained on the vote."
    )
    high = ClaimFactory(checkworthiness=0.9)
    mine = taken(ClaimFactory(), reviewer)
    by_reviewer = proposed(ClaimFactory(), reviewer, rating)
    by_editor = proposed(ClaimFactory(), editor, rating)
    done = published(ClaimFactory(), reviewer, other_editor, rating)

    page = text_of(client_for(editor).get(reverse("dashboard")))
    sections = {
        name: page.split(f'id="{name}-h"')[1].split("</section>")[0]
        for name in ("mine", "awaiting", "queue", "published")
    }
    queue = sections["queue"]
    assert queue.index(desk_url(high)) < queue.index(desk_url(low))
    assert desk_url(mine) not in queue
    assert desk_url(by_reviewer) in sections["awaiting"]
    assert desk_url(by_editor) not in sections["awaiting"]  # my own proposal
    assert desk_url(by_editor) in sections["mine"]
    assert desk_url(done) in sections["published"]
    counts = {
        label: int(n)
        for n, label in re.findall(r'count-n">(\d+)</span><span class="count-label">([^<]+)', page)
    }
    assert counts == {"New": 2, "In review": 1, "Proposed": 2, "Published": 1, "Dismissed": 0}

    reviewer_page = text_of(client_for(reviewer).get(reverse("dashboard")))
    assert 'id="awaiting-h"' not in reviewer_page  # reviewers approve nothing
    assert desk_url(mine) in reviewer_page.split('id="mine-h"')[1].split("</section>")[0]


def test_dashboard_search_finds_claim_text_and_article_titles(editor):
    by_title = ClaimFactory(article=ArticleFactory(title="Moscow summit report"))
    by_text = ClaimFactory(
        article=ArticleFactory(body="Intro. Khan flew to Moscow on Wednesday. End."),
        text="Khan flew to Moscow on Wednesday.",
    )
    # The desk searches as the API does, article bodies included: the factory's default
    # body mentions Moscow, so the unrelated claim's article says nothing of it.
    unrelated = ClaimFactory(
        article=ArticleFactory(body="Report. The minister said 35 countries abstained on the vote.")
    )
    response = client_for(editor).get(reverse("dashboard"), {"q": "moscow"})
    results = text_of(response).split('id="results-h"')[1].split("</section>")[0]
    assert desk_url(by_title) in results and desk_url(by_text) in results
    assert desk_url(unrelated) not in results


def test_dashboard_filters_by_state(editor, reviewer):
    new = ClaimFactory()
    in_review = taken(ClaimFactory(), reviewer)
    results = text_of(client_for(editor).get(reverse("dashboard"), {"status": "in_review"}))
    results = results.split('id="results-h"')[1].split("</section>")[0]
    assert desk_url(in_review) in results and desk_url(new) not in results


# -- article page -----------------------------------------------------------------------


def test_article_page_highlights_every_claim_by_status_with_a_link(editor, reviewer):
    body = "Intro line.\nFirst claim is here. Second claim is here.\nOutro."
    article = ArticleFactory(body=body)
    first = ClaimFactory(article=article, text="First claim is here.")
    second = taken(ClaimFactory(article=article, text="Second claim is here."), reviewer)
    page = text_of(client_for(editor).get(reverse("desk-article", args=[article.pk])))
    assert f'<a class="hl status-new" id="claim-{first.pk}" href="{desk_url(first)}"' in page
    assert (
        f'<a class="hl status-in_review" id="claim-{second.pk}" href="{desk_url(second)}"' in page
    )
    assert "Intro line." in page and "Outro." in page


# -- escaping ---------------------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


def test_script_in_an_article_and_its_claim_shows_as_text_on_every_page(reviewer, editor, rating):
    body = f"Title {SCRIPT}\nThe PM said {SCRIPT} 35 states abstained.\nEnd </script> & more."
    article = ArticleFactory(title=f"News {SCRIPT}", body=body)
    claim = ClaimFactory(article=article, text=f"The PM said {SCRIPT} 35 states abstained.")
    EvidenceFactory(claim=claim, title=f"Source {SCRIPT}", quote=SCRIPT)
    published(claim, reviewer, editor, rating)
    urls = [
        reverse("dashboard"),
        reverse("dashboard") + "?q=" + "%3Cscript%3E",
        reverse("desk-articles"),
        reverse("desk-article", args=[article.pk]),
        desk_url(claim),
        reverse("public-claim", args=[claim.pk]),
    ]
    client = client_for(editor)
    for url in urls:
        page = text_of(client.get(url))
        assert "<script>alert" not in page, url
        assert "&lt;script&gt;alert(" in page, url


def test_json_ld_cannot_be_closed_by_a_claim_and_equals_the_builders_output(
    reviewer, editor, rating
):
    nasty = 'He said "</script><script>alert(1)</script>" & left.'
    body = f"Intro. {nasty} End."
    article = ArticleFactory(body=body)
    claim = ClaimFactory(article=article, text=nasty)
    published(claim, reviewer, editor, rating)
    response = Client().get(reverse("public-claim", args=[claim.pk]))
    page = text_of(response)
    assert "</script><script>alert(1)" not in page
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.DOTALL
    )
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    expected = claim_review(
        claims_for_claimreview(None).get(pk=claim.pk), request=RequestFactory().get("/")
    )
    assert data == expected
    assert data["claimReviewed"] == nasty


def test_a_rating_colour_that_is_not_a_hex_value_never_reaches_the_css(claim, reviewer, editor):
    rating = RatingFactory(label="Odd", slug="odd", colour="red;a:b")
    published(claim, reviewer, editor, rating)
    page = text_of(Client().get(reverse("public-claim", args=[claim.pk])))
    assert "red;a:b" not in page
    # The colours are in the ratings' stylesheet (the page has no style attribute).
    css = Client().get(reverse("rating-styles")).content.decode()
    assert "red;a:b" not in css
    assert ".rating-odd { --rating: #5f6b7a;" in css
    assert "rating-odd" in page


# -- the public page --------------------------------------------------------------------


def test_public_page_shows_verdict_rationale_sources_and_corrections_with_dates(
    claim, reviewer, editor, other_editor, rating
):
    published(claim, reviewer, editor, rating)
    services.reopen(claim_id=claim.pk, actor=editor, reason="New UN figures.")
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=reviewer,
        rating=RatingFactory(label="Mostly false", slug="mostly-false", value=2),
        summary="Thirty-eight states abstained.",
        rationale="The corrected UN record lists 38.",
        correction_note="The count was 38, not 35.",
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=other_editor)

    page = text_of(Client().get(reverse("public-claim", args=[claim.pk])))
    assert "Mostly false" in page and "Thirty-eight states abstained." in page
    assert "The corrected UN record lists 38." in page
    assert "The count was 38, not 35." in page
    # The superseded verdict stays visible, with when it was published.
    earlier = page.split('id="earlier-h"')[1]
    assert "Thirty-five states abstained." in earlier and "superseded" in earlier
    first = Verdict.objects.get(claim=claim, state=Verdict.State.SUPERSEDED)
    assert first.approved_at.date().isoformat() in earlier
    assert 'href="https://records.example/un"' in page  # the evidence link
    assert "Public page" in text_of(client_for(editor).get(desk_url(claim)))


# -- query counts -----------------------------------------------------------------------


def make_dashboard_claims(n, reviewer, editor, other_editor, rating):
    for _ in range(n):
        ClaimFactory()
        taken(ClaimFactory(), editor)
        proposed(ClaimFactory(), reviewer, rating)
        published(ClaimFactory(), reviewer, other_editor, rating)


def test_dashboard_query_count_does_not_grow_with_its_claims(
    reviewer, editor, other_editor, rating
):
    from claims.selectors import forget_estimates

    client = client_for(editor)
    make_dashboard_claims(1, reviewer, editor, other_editor, rating)
    small = count_queries(client, reverse("dashboard") + "?q=minister")
    make_dashboard_claims(4, reviewer, editor, other_editor, rating)
    # Both searches ask the planner for their estimate: the first one's is kept a while
    # (claims.selectors), which would spare the second one a query of its own.
    forget_estimates()
    assert count_queries(client, reverse("dashboard") + "?q=minister") == small


def test_article_page_query_count_does_not_grow_with_its_claims(editor, reviewer, rating):
    def article_with(n):
        sentences = [f"Claim number {i} says {i} things." for i in range(n)]
        body = " ".join(sentences)
        article = ArticleFactory(body=body)
        for i, sentence in enumerate(sentences):
            claim = ClaimFactory(article=article, text=sentence)
            if i % 2:
                published(claim, reviewer, editor, rating)
        return reverse("desk-article", args=[article.pk])

    client = client_for(editor)
    small, large = article_with(2), article_with(8)
    assert count_queries(client, small) == count_queries(client, large)


def test_claim_page_query_count_does_not_grow_with_evidence_similar_claims_or_history(
    editor, reviewer, other_editor, rating
):
    def claim_with(n):
        claim = published(ClaimFactory(), reviewer, other_editor, rating)
        for _ in range(n - 1):
            services.reopen(claim_id=claim.pk, actor=editor, reason="Again.")
            services.save_verdict_draft(
                claim_id=claim.pk,
                actor=reviewer,
                rating=rating,
                summary="Corrected.",
                rationale="Again.",
                correction_note="Changed.",
            )
            services.propose(claim_id=claim.pk, actor=reviewer)
            services.publish(claim_id=claim.pk, actor=other_editor)
        for _ in range(n):
            EvidenceFactory(claim=claim, added_by=reviewer)
            other = ClaimFactory()
            low, high = sorted([claim.pk, other.pk])
            SimilarClaim.objects.create(from_claim_id=low, to_claim_id=high, score=0.7)
        return desk_url(claim)

    client = client_for(editor)
    small, large = claim_with(1), claim_with(4)
    assert count_queries(client, small) == count_queries(client, large)


def test_public_page_query_count_does_not_grow_with_sources_or_corrections(
    editor, reviewer, other_editor, rating
):
    def claim_with(n):
        claim = published(ClaimFactory(), reviewer, other_editor, rating)
        for _ in range(n):
            EvidenceFactory(claim=claim, added_by=reviewer)
        return reverse("public-claim", args=[claim.pk])

    client = Client()
    assert count_queries(client, claim_with(1)) == count_queries(client, claim_with(5))


def test_article_list_query_count_does_not_grow_with_its_articles(editor):
    client = client_for(editor)
    ClaimFactory()
    small = count_queries(client, reverse("desk-articles"))
    for _ in range(5):
        ClaimFactory()
    assert count_queries(client, reverse("desk-articles")) == small


def test_no_page_needs_javascript(claim, reviewer, editor, rating):
    """Every page is plain HTML and forms: the scripts are the public JSON-LD data and the
    desk's static files of conveniences (desk.js; intake.js on the article pages: deferred,
    nothing depends on them)."""
    published(claim, reviewer, editor, rating)
    client = client_for(editor)
    for url in [*desk_pages(claim), reverse("public-claim", args=[claim.pk])]:
        page = text_of(client.get(url))
        scripts = re.findall(r"<script[^>]*>", page)
        assert all(
            'type="application/ld+json"' in tag
            or re.search(r'src="/static/reviews/(desk|intake)\.js" defer', tag)
            for tag in scripts
        ), url
    login_scripts = re.findall(r"<script[^>]*>", text_of(Client().get(reverse("login"))))
    assert login_scripts == ['<script src="/static/reviews/desk.js" defer>']
