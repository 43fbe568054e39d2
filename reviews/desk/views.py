"""The desk's pages: articles, and the claim page with its workflow buttons,
evidence and verdict forms (the public verdict page is reviews.desk.public).

Views parse input, call reviews.services, and show a refusal's message on the page; they
never set a claim's status themselves. Every list here is read with its joins and
prefetches up front, so a page's query count does not grow with the claims it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from claims.models import Article, Claim, SimilarClaim
from claims.selectors import is_staff_member, visible_claims
from reviews import services
from reviews.desk import once
from reviews.desk.forms import ActionForm, EvidenceForm, VerdictForm
from reviews.desk.highlight import context_window, highlight
from reviews.models import Evidence, Transition, Verdict
from reviews.selectors import assignable_members, claim_history
from reviews.workflow import WORKFLOW, Step

Status = Claim.Status
Action = Transition.Action


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
    """A workflow button on the claim page and the inputs its form shows, from its row of
    the workflow table."""

    action: str
    label: str
    style: str  # primary | secondary | danger
    comment_label: str = ""
    comment_required: bool = False
    assignee: bool = False
    duplicate_of: bool = False
    correction_note: bool = False

    @classmethod
    def for_step(cls, step: Step, *, published_before: bool) -> ActionButton:
        return cls(
            action=step.action,
            label=step.label,
            style=step.style,
            comment_label=step.comment_label,
            comment_required=bool(step.comment_required),
            assignee="assignee" in step.inputs,
            duplicate_of="duplicate_of" in step.inputs,
            # A second publish must say what changed.
            correction_note="correction_note" in step.inputs and published_before,
        )


# The step forward first, then the detours, then setting the claim aside.
_BUTTON_ORDER = {"primary": 0, "secondary": 1, "danger": 2}


def action_buttons(user, claim: Claim, *, published_before: bool) -> list[ActionButton]:
    """The buttons of the actions open to this user on this claim now."""
    steps = [WORKFLOW[name] for name in services.available_actions(user, claim)]
    return [
        ActionButton.for_step(step, published_before=published_before)
        for step in sorted(steps, key=lambda step: _BUTTON_ORDER[step.style])
    ]


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

    buttons = action_buttons(user, claim, published_before=bool(published))
    assignees = list(assignable_members()) if any(b.assignee for b in buttons) else []
    failed_shown = bool(failed_action) and any(
        b.action == failed_action.get("action") for b in buttons
    )

    context_html = None
    if claim.article_id is not None:
        body = claim.article.body
        w_start, p_start, p_end, w_end = context_window(body, claim.span_start, claim.span_end)
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
    spent = _spend_once(request, pk, f"action:{pk}")
    if isinstance(spent, once.TokenRefused):
        return _render_claim(request, pk, status=400, error=spent, failed_action=typed)
    if spent is not None:
        return spent
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
            request, pk, status=error.http_status, error=error, failed_action=typed
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


def _spend_once(request: HttpRequest, pk: int, purpose: str) -> HttpResponse | None:
    """Accept this form once (reviews.desk.once): None to go on; for a second send of
    the same form, the claim page as the first left it; for a bad token, a refusal."""
    try:
        once.spend(request.POST.get(once.FIELD), user=request.user, purpose=purpose)
    except once.AlreadySent as sent:
        messages.info(request, sent.message)
        return redirect("desk-claim", pk=pk)
    except once.TokenRefused as refused:
        return refused
    return None


def _post_claim_form(request, pk, *, form, form_name, save, done, section) -> HttpResponse:
    """A form of the claim page posted: its service called with the form's fields, then
    back to its section of the page, or the page again with the form and the refusal."""
    get_object_or_404(visible_claims(request.user), pk=pk)
    if not form.is_valid():
        return _render_claim(request, pk, status=400, **{form_name: form})
    spent = _spend_once(request, pk, f"{section}:{pk}")
    if isinstance(spent, once.TokenRefused):
        return _render_claim(request, pk, status=400, error=spent, **{form_name: form})
    if spent is not None:
        return spent
    fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        save(claim_id=pk, actor=request.user, **fields)
    except services.WorkflowError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        return _render_claim(
            request,
            pk,
            status=error.http_status,
            error=error,
            stale=_moved_on(form, error),
            **{form_name: form},
        )
    messages.success(request, done)
    return redirect(reverse("desk-claim", args=[pk]) + f"#{section}")
