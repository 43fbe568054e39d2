"""The desk's pages (dashboard, article, claim) and the public verdict page.

Views parse input, call reviews.services, and show a refusal's message on the page; they
never set a claim's status themselves. Every list here is read with its joins and
prefetches up front, so a page's query count does not grow with the claims it shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from claims.models import Article, Claim, SimilarClaim
from claims.selectors import is_staff_member, visible_claims
from reviews import services
from reviews.claimreview import claim_review, public_verdicts
from reviews.forms import ActionForm, EvidenceForm, SearchForm, VerdictForm, desk_members
from reviews.models import Evidence, Transition, Verdict
from reviews.selectors import claim_history, claims_for_claimreview

Status = Claim.Status
Action = Transition.Action

# How many rows each dashboard list shows; the rest is one search away.
LIST_LIMIT = 25


def desk_required(view):
    """Anonymous users go to the login page; signed-in users without a desk role get 403."""

    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied("You have no role on the desk.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# -- highlighting -----------------------------------------------------------------------


def highlight(
    text: str,
    claims: list[Claim],
    *,
    offset: int = 0,
    current: int | None = None,
) -> SafeString:
    """`text` (a slice of an article body starting at `offset`) with each claim's span
    wrapped in a link to its claim page, or in a <mark> for the `current` claim.

    Every piece of text is escaped; only the tags we write are markup. Overlapping spans
    keep the first claim highlighted and leave the other as plain text (it is still
    listed beside the article).
    """
    pieces: list[SafeString] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: (c.span_start, c.span_end)):
        start, end = claim.span_start - offset, claim.span_end - offset
        if start < cursor or start < 0 or end > len(text):
            continue
        pieces.append(escape(text[cursor:start]))
        if claim.pk == current:
            pieces.append(
                format_html(
                    '<mark class="hl hl-current status-{}">{}</mark>',
                    claim.status,
                    text[start:end],
                )
            )
        else:
            pieces.append(
                format_html(
                    '<a class="hl status-{}" id="claim-{}" href="{}" title="Claim #{} · {}">{}</a>',
                    claim.status,
                    claim.pk,
                    reverse("desk-claim", args=[claim.pk]),
                    claim.pk,
                    claim.get_status_display(),
                    text[start:end],
                )
            )
        cursor = end
    pieces.append(escape(text[cursor:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def _context_window(body: str, start: int, end: int) -> tuple[int, int, int, int]:
    """The bounds of the paragraph (line) around [start, end), and of the window that adds
    the nearest non-blank line on either side: seed articles often put one sentence on a
    line, so the paragraph alone can be the claim alone."""
    lines = []
    pos = 0
    for line in body.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    first = next(i for i, (s, e) in enumerate(lines) if s <= start <= e)
    last = next(i for i, (s, e) in enumerate(lines) if i >= first and end <= e)
    before = [i for i in range(first) if body[lines[i][0] : lines[i][1]].strip()]
    after = [i for i in range(last + 1, len(lines)) if body[lines[i][0] : lines[i][1]].strip()]
    window_start = lines[before[-1]][0] if before else lines[first][0]
    window_end = lines[after[0]][1] if after else lines[last][1]
    return window_start, lines[first][0], lines[last][1], window_end


# -- shared reads -----------------------------------------------------------------------


def _list_claims(user):
    """Claims as the dashboard and article lists show them (status, people, article)."""
    return visible_claims(user).select_related("article", "article__outlet", "claimant", "assignee")


def _published_rating_prefetch() -> Prefetch:
    return Prefetch(
        "verdicts",
        queryset=Verdict.objects.filter(state=Verdict.State.APPROVED).select_related("rating"),
        to_attr="approved_verdicts",
    )


def _search(user, query: str, status: str) -> list[Claim]:
    claims = _list_claims(user)
    if query:
        claims = claims.filter(Q(text__icontains=query) | Q(article__title__icontains=query))
    if status:
        claims = claims.filter(status=status)
    return list(
        claims.prefetch_related(_published_rating_prefetch()).order_by("-updated_at", "-id")[
            :LIST_LIMIT
        ]
    )


# -- dashboard --------------------------------------------------------------------------


@require_GET
@desk_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The desk's start page: my work, the queue, what waits for me, what went out."""
    user = request.user
    counts = dict(
        Claim.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    state_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices]

    search = SearchForm(request.GET or None)
    status_filter = request.GET.get("status", "")
    if status_filter not in Status.values:
        status_filter = ""
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    searching = bool(query or status_filter)

    mine = list(
        _list_claims(user)
        .filter(assignee=user, status__in=[Status.IN_REVIEW, Status.PROPOSED])
        .order_by("status", "-updated_at", "-id")[:LIST_LIMIT]
    )
    my_groups = [
        (label, [c for c in mine if c.status == value])
        for value, label in Status.choices
        if value in (Status.IN_REVIEW, Status.PROPOSED)
    ]

    queue = list(
        _list_claims(user)
        .filter(status=Status.NEW, assignee__isnull=True)
        .order_by("-checkworthiness", "-created_at", "-id")[:LIST_LIMIT]
    )

    awaiting = None
    if user.has_perm("reviews.review_verdict"):
        proposed_by_me = Verdict.objects.filter(
            claim=OuterRef("pk"), state=Verdict.State.PROPOSED, proposed_by=user
        )
        awaiting = list(
            _list_claims(user)
            .filter(status=Status.PROPOSED)
            .exclude(Exists(proposed_by_me))
            .order_by("updated_at", "id")[:LIST_LIMIT]
        )

    published = list(
        _list_claims(user)
        .filter(status=Status.PUBLISHED)
        .prefetch_related(_published_rating_prefetch())
        .order_by("-updated_at", "-id")[:10]
    )

    return render(
        request,
        "reviews/dashboard.html",
        {
            "state_counts": state_counts,
            "search": search if search.is_bound else SearchForm(),
            "searching": searching,
            "query": query,
            "status_filter": status_filter,
            "results": _search(user, query, status_filter) if searching else [],
            "my_groups": my_groups,
            "mine_count": len(mine),
            "queue": queue,
            "awaiting": awaiting,
            "published": published,
        },
    )


# -- articles ---------------------------------------------------------------------------


@require_GET
@desk_required
def article_list(request: HttpRequest) -> HttpResponse:
    articles = (
        Article.objects.select_related("outlet")
        .annotate(
            claim_count=Count("claims"),
            open_count=Count("claims", filter=Q(claims__status__in=[Status.NEW, Status.IN_REVIEW])),
        )
        .order_by("-published", "-created_at", "-id")
    )
    return render(request, "reviews/article_list.html", {"articles": articles})


@require_GET
@desk_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The article text with every claim highlighted by status, each a link."""
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    claims = list(
        _list_claims(request.user)
        .filter(article=article)
        .prefetch_related(_published_rating_prefetch())
        .order_by("span_start", "id")
    )
    return render(
        request,
        "reviews/article_detail.html",
        {
            "article": article,
            "claims": claims,
            "body": highlight(article.body, claims),
            "statuses": Status.choices,
        },
    )


# -- the claim page ---------------------------------------------------------------------


@dataclass
class ActionButton:
    action: str
    label: str
    style: str  # primary | secondary | danger
    comment_label: str = ""
    comment_required: bool = False
    assignee: bool = False
    duplicate_of: bool = False
    correction_note: bool = False


ACTION_BUTTONS = {
    Action.TAKE: ActionButton(Action.TAKE, "Take this claim", "primary"),
    Action.ASSIGN: ActionButton(
        Action.ASSIGN, "Assign", "secondary", comment_label="Note (optional)", assignee=True
    ),
    Action.PROPOSE: ActionButton(
        Action.PROPOSE, "Propose verdict", "primary", comment_label="Note for the editor"
    ),
    Action.PUBLISH: ActionButton(
        Action.PUBLISH, "Publish verdict", "primary", comment_label="Note (optional)"
    ),
    Action.SEND_BACK: ActionButton(
        Action.SEND_BACK,
        "Send back",
        "secondary",
        comment_label="What needs more work",
        comment_required=True,
    ),
    Action.REOPEN: ActionButton(
        Action.REOPEN,
        "Reopen for correction",
        "secondary",
        comment_label="Reason for reopening",
        comment_required=True,
    ),
    Action.RESTORE: ActionButton(
        Action.RESTORE, "Restore", "secondary", comment_label="Note (optional)"
    ),
    Action.DISMISS: ActionButton(
        Action.DISMISS,
        "Dismiss",
        "danger",
        comment_label="Reason for dismissing",
        comment_required=True,
        duplicate_of=True,
    ),
}


def _claim_for_page(user, pk: int) -> Claim:
    return get_object_or_404(
        visible_claims(user)
        .select_related("article", "article__outlet", "claimant", "assignee", "duplicate_of")
        .prefetch_related(
            Prefetch(
                "verdicts",
                queryset=Verdict.objects.select_related(
                    "rating", "author", "proposed_by", "approver"
                ).order_by("created_at", "id"),
            ),
            Prefetch("evidence", queryset=Evidence.objects.select_related("added_by")),
        ),
        pk=pk,
    )


def _similar(claim: Claim) -> list[dict]:
    """Links to claims in other articles, read from both ends of each stored pair."""
    links = (
        SimilarClaim.objects.filter(Q(from_claim=claim) | Q(to_claim=claim))
        .exclude(decision=SimilarClaim.Decision.REJECTED)
        .select_related(
            "from_claim__article__outlet",
            "to_claim__article__outlet",
        )
        .order_by("-conflicting", "-score", "id")
    )
    rows = []
    for link in links:
        other = link.to_claim if link.from_claim_id == claim.pk else link.from_claim
        rows.append({"link": link, "other": other})
    return rows


def _render_claim(
    request: HttpRequest,
    pk: int,
    *,
    status: int = 200,
    error: services.WorkflowError | None = None,
    stale: bool = False,
    evidence_form: EvidenceForm | None = None,
    verdict_form: VerdictForm | None = None,
    failed_action: dict | None = None,
) -> HttpResponse:
    """The desk's claim page. After a refusal, the form the user sent is shown again,
    bound to what they typed, whether or not it is still theirs to send."""
    user = request.user
    claim = _claim_for_page(user, pk)
    verdicts = list(claim.verdicts.all())
    open_verdict = next(
        (v for v in verdicts if v.state in (Verdict.State.DRAFT, Verdict.State.PROPOSED)), None
    )
    published = [
        v for v in verdicts if v.state in (Verdict.State.APPROVED, Verdict.State.SUPERSEDED)
    ]
    can_work = services.can_work_on(user, claim)
    drafting = can_work and claim.status == Status.IN_REVIEW

    for form in (evidence_form, verdict_form):
        if form is not None and form.is_bound:
            # Shown again after a refusal: from now on the user has seen this version.
            form.data = form.data.copy()
            form.data["version"] = claim.version
    if evidence_form is None and can_work:
        evidence_form = EvidenceForm(initial={"version": claim.version})
    if verdict_form is None and drafting:
        initial = {"version": claim.version}
        if open_verdict is not None:
            initial |= {
                "rating": open_verdict.rating_id,
                "summary": open_verdict.summary,
                "rationale": open_verdict.rationale,
                "correction_note": open_verdict.correction_note,
            }
        verdict_form = VerdictForm(initial=initial)

    buttons = []
    # The step forward first, then the detours, then setting the claim aside.
    order = {"primary": 0, "secondary": 1, "danger": 2}
    for name in sorted(
        services.available_actions(user, claim), key=lambda n: order[ACTION_BUTTONS[n].style]
    ):
        button = ACTION_BUTTONS[name]
        if button.action == Action.PUBLISH:
            # A second publish must say what changed.
            button = ActionButton(**{**button.__dict__, "correction_note": bool(published)})
        buttons.append(button)
    assignees = list(desk_members()) if any(b.assignee for b in buttons) else []
    failed_shown = bool(failed_action) and any(
        b.action == failed_action.get("action") for b in buttons
    )

    context_html = None
    if claim.article_id is not None:
        body = claim.article.body
        w_start, p_start, p_end, w_end = _context_window(body, claim.span_start, claim.span_end)
        context_html = {
            "before": body[w_start:p_start].strip(),
            "paragraph": highlight(body[p_start:p_end], [claim], offset=p_start, current=claim.pk),
            "after": body[p_end:w_end].strip(),
        }

    return render(
        request,
        "reviews/claim_detail.html",
        {
            "claim": claim,
            "context_html": context_html,
            "reasons": [str(r).replace("_", " ") for r in claim.checkworthiness_reasons or []],
            "similar": _similar(claim),
            "evidence": list(claim.evidence.all()),
            "open_verdict": open_verdict,
            "published_verdicts": published,
            "can_work": can_work,
            "drafting": drafting,
            "evidence_form": evidence_form,
            "verdict_form": verdict_form,
            "buttons": buttons,
            "assignees": assignees,
            "failed_action": failed_action or {},
            "failed_shown": failed_shown,
            "error": error,
            "stale": stale or (error is not None and error.code == services.StaleVersion.code),
            "history": list(claim_history(claim)),
        },
        status=status,
    )


def _moved_on(form: EvidenceForm | VerdictForm, error: services.WorkflowError) -> bool:
    """Did the claim change after the user loaded the form they sent?"""
    seen = form.cleaned_data.get("version")
    return bool(seen and error.current_version and seen != error.current_version)


def _refusal_status(error: services.WorkflowError) -> int:
    if isinstance(error, services.NotPermitted):
        return 403
    if isinstance(error, services.InvalidInput):
        return 400
    return 409  # stale copy or a state that does not allow it


@require_GET
@desk_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_claim(request, pk)


@require_POST
@desk_required
def claim_action(request: HttpRequest, pk: int) -> HttpResponse:
    """One workflow button: parse it, run it through services.perform, show the outcome."""
    get_object_or_404(visible_claims(request.user), pk=pk)
    form = ActionForm(request.POST)
    typed = {
        "action": request.POST.get("action", ""),
        "comment": request.POST.get("comment", ""),
        "correction_note": request.POST.get("correction_note", ""),
        "duplicate_of": request.POST.get("duplicate_of", ""),
        "assignee": request.POST.get("assignee", ""),
    }
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label or name}: {' '.join(errs)}"
            for name, errs in form.errors.items()
        )
        error = services.InvalidInput(f"The form could not be read ({problems}).")
        return _render_claim(request, pk, status=400, error=error, failed_action=typed)
    data = form.cleaned_data
    try:
        services.perform(
            data["action"],
            claim_id=pk,
            actor=request.user,
            comment=data["comment"],
            assignee=data["assignee"],
            correction_note=data["correction_note"],
            duplicate_of=data["duplicate_of"],
            expected_version=data["version"],
        )
    except services.WorkflowError as error:
        return _render_claim(
            request, pk, status=_refusal_status(error), error=error, failed_action=typed
        )
    messages.success(request, f"Done: {Action(data['action']).label.lower()}.")
    return redirect("desk-claim", pk=pk)


@require_POST
@desk_required
def claim_add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_claim_form(
        request,
        pk,
        form=EvidenceForm(request.POST),
        form_name="evidence_form",
        save=services.add_evidence,
        done="Evidence added.",
        section="evidence",
    )


@require_POST
@desk_required
def claim_save_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_claim_form(
        request,
        pk,
        form=VerdictForm(request.POST),
        form_name="verdict_form",
        save=services.save_verdict_draft,
        done="Verdict draft saved.",
        section="verdict",
    )


def _post_claim_form(request, pk, *, form, form_name, save, done, section) -> HttpResponse:
    """A form of the claim page posted: its service called with the form's fields, then
    back to its section of the page, or the page again with the form and the refusal."""
    get_object_or_404(visible_claims(request.user), pk=pk)
    if not form.is_valid():
        return _render_claim(request, pk, status=400, **{form_name: form})
    fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        save(claim_id=pk, actor=request.user, **fields)
    except services.WorkflowError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        return _render_claim(
            request,
            pk,
            status=_refusal_status(error),
            error=error,
            stale=_moved_on(form, error),
            **{form_name: form},
        )
    messages.success(request, done)
    return redirect(reverse("desk-claim", args=[pk]) + f"#{section}")


# -- the public verdict page ------------------------------------------------------------


def json_ld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> block that no string in `data` can close:
    <, > and & are written as JSON escapes, which parse back to the same characters."""
    text = (
        json.dumps(data, ensure_ascii=False, indent=2)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    # Safe to mark: every character that could end the element or start markup is escaped.
    return format_html('<script type="application/ld+json">\n{}\n</script>', mark_safe(text))  # noqa: S308


@require_GET
def public_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """A published claim with its verdict, method, sources and corrections (anyone)."""
    claim = get_object_or_404(
        claims_for_claimreview(request.user).prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("created_at", "id"))
        ),
        pk=pk,
    )
    data = claim_review(claim, request=request)
    if data is None:  # published without an approved verdict: only if data was hand-edited
        raise Http404("This claim has no published verdict.")
    verdicts = public_verdicts(claim)
    current = next(v for v in reversed(verdicts) if v.state == Verdict.State.APPROVED)
    return render(
        request,
        "reviews/public_claim.html",
        {
            "claim": claim,
            "verdict": current,
            "earlier": [v for v in reversed(verdicts) if v is not current],
            "first_published": verdicts[0].approved_at,
            "corrections": [v for v in reversed(verdicts) if v.correction_note],
            "evidence": list(claim.evidence.all()),
            "json_ld": json_ld_script(data),
            "canonical": data["url"],
        },
    )
