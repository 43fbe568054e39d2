"""The desk's claim page: the claim in its article, evidence, the verdict, the workflow's
buttons, its history; and the forms it posts (workflow steps, evidence, the verdict draft;
the corrections of the claim and its evidence are reviews.desk.fixes).

Views parse input, call reviews.services, and show a refusal's message on the page; they
never set a claim's status themselves. Every form is accepted once (reviews.desk.once).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from claims import figures
from claims.models import Claim
from claims.selectors import articles_seen_in, other_end, similar_links, visible_claims
from reviews import services
from reviews.desk import once
from reviews.desk.diffing import changed, word_diff
from reviews.desk.forms import (
    ActionForm,
    ClaimEditForm,
    EvidenceEditForm,
    EvidenceForm,
    VerdictForm,
)
from reviews.desk.highlight import context_window, highlight
from reviews.desk.views import desk_required
from reviews.external_matching import checked_by, matches_prefetch
from reviews.models import Evidence, Transition, Verdict
from reviews.selectors import (
    HistoryEntry,
    already_checked,
    assignable_members,
    claim_record,
    next_claim_for,
)
from reviews.workflow import WORKFLOW, Step

Status = Claim.Status
Action = Transition.Action


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
    def for_step(cls, step: Step, *, published_before: bool, note_given: bool) -> ActionButton:
        return cls(
            action=step.action,
            label=step.label,
            style=step.style,
            comment_label=step.comment_label,
            comment_required=bool(step.comment_required),
            assignee="assignee" in step.inputs,
            duplicate_of="duplicate_of" in step.inputs,
            # A second publish must say what changed: asked here only when the draft
            # did not say it already (one note, asked where it is needed).
            correction_note="correction_note" in step.inputs
            and published_before
            and not note_given,
        )


# The step forward first, then the detours, then setting the claim aside.
_BUTTON_ORDER = {"primary": 0, "secondary": 1, "danger": 2}


def action_buttons(
    user, claim: Claim, *, published_before: bool, note_given: bool = False
) -> list[ActionButton]:
    """The buttons of the actions open to this user on this claim now."""
    steps = [WORKFLOW[name] for name in services.available_actions(user, claim)]
    return [
        ActionButton.for_step(step, published_before=published_before, note_given=note_given)
        for step in sorted(steps, key=lambda step: _BUTTON_ORDER[step.style])
    ]


def _four_eyes_note(user, verdict: Verdict | None) -> str:
    """Why an editor who wrote part of the proposed verdict has no publish button."""
    step = WORKFLOW["publish"]
    if (
        verdict is None
        or verdict.state != Verdict.State.PROPOSED
        or verdict.proposed_by_id == user.pk
        or not user.has_perm(f"reviews.{step.permission}")
        or not services.contributed(user, verdict)
    ):
        return ""
    return step.four_eyes_contributors


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


def _checked_by(user, claim: Claim) -> list[dict]:
    """Other publishers' fact checks of what the claim states (reviews.external_matching)."""
    if not user.has_perm("reviews.view_externalfactcheck"):
        return []
    return checked_by(list(matches_prefetch().queryset.filter(claim=claim)))


def _similar(claim: Claim, user) -> dict:
    """The claim's variants in other articles (conflicting first), with the figures of
    each beside this claim's, and how many other articles they stand in."""
    links = sorted(
        similar_links(claim, user), key=lambda link: (not link.conflicting, -link.score, link.pk)
    )
    rows = []
    for link in links:
        other = other_end(link, claim.pk)
        rows.append(
            {
                "link": link,
                "other": other,
                "date": other.claim_date or (other.article.published if other.article else None),
                "figures": [f.text for f in figures.extract(other.text)],
            }
        )
    return {
        "rows": rows,
        "seen_in": articles_seen_in(links, claim.pk),
        "figures": [f.text for f in figures.extract(claim.text)],
    }


def _evidence_edit_form(
    evidence: Evidence, edited: tuple[int, EvidenceForm] | None
) -> EvidenceForm:
    """The edit form of one evidence record: the one sent, after a refusal, else fresh."""
    if edited is not None and edited[0] == evidence.pk:
        return edited[1]
    return EvidenceEditForm(
        prefix=evidence_prefix(evidence.pk),
        initial={name: getattr(evidence, name) for name in services.EVIDENCE_FIELDS},
    )


def evidence_prefix(evidence_id: int) -> str:
    """Each evidence record's edit form on the page has its own field names and ids."""
    return f"ev{evidence_id}"


def sent_back(claim: Claim, history: list[HistoryEntry]) -> HistoryEntry | None:
    """The editor's send-back, while the claim is back in review after it (until it is
    proposed again)."""
    if claim.status != Status.IN_REVIEW:
        return None
    steps = [entry for entry in history if entry.moved is not None]
    return steps[-1] if steps and steps[-1].action == Action.SEND_BACK else None


def _correction(standing: Verdict | None, draft: Verdict | None) -> dict | None:
    """A correction in progress: the published verdict beside its draft, and the words
    that differ (escaped; reviews.desk.diffing)."""
    if standing is None or draft is None:
        return None
    return {
        "published": standing,
        "draft": draft,
        "rating_changed": standing.rating_id != draft.rating_id,
        "summary_changed": changed(standing.summary, draft.summary),
        "rationale_changed": changed(standing.rationale, draft.rationale),
        "summary_diff": word_diff(standing.summary, draft.summary),
        "rationale_diff": word_diff(standing.rationale, draft.rationale),
    }


def render_claim(
    request: HttpRequest,
    pk: int,
    *,
    status: int = 200,
    error: services.WorkflowError | None = None,
    stale: bool = False,
    evidence_form: EvidenceForm | None = None,
    verdict_form: VerdictForm | None = None,
    claim_form: ClaimEditForm | None = None,
    evidence_edit: tuple[int, EvidenceForm] | None = None,
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

    for form in (evidence_form, verdict_form, claim_form):
        if form is not None and form.is_bound:
            # Shown again after a refusal: from now on the user has seen this version.
            form.data = form.data.copy()
            form.data["version"] = claim.version
    if claim_form is None and can_work:
        claim_form = ClaimEditForm(
            initial={
                "version": claim.version,
                "text": claim.text,
                "span_start": claim.span_start,
                "span_end": claim.span_end,
                "claimant": claim.claimant.name if claim.claimant else "",
                "claim_date": claim.claim_date,
            }
        )
    evidence = list(claim.evidence.all())
    evidence_rows = [
        (e, _evidence_edit_form(e, evidence_edit) if can_work else None) for e in evidence
    ]
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

    published_before = any(
        v.state in (Verdict.State.APPROVED, Verdict.State.SUPERSEDED, Verdict.State.WITHDRAWN)
        for v in verdicts
    )
    buttons = action_buttons(
        user,
        claim,
        published_before=published_before,
        note_given=bool(open_verdict and open_verdict.correction_note.strip()),
    )
    assignees = list(assignable_members()) if any(b.assignee for b in buttons) else []
    failed_shown = bool(failed_action) and any(
        b.action == failed_action.get("action") for b in buttons
    )

    history = claim_record(claim)
    standing = next((v for v in verdicts if v.state == Verdict.State.APPROVED), None)
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
            "similar": _similar(claim, user),
            "checked_by": _checked_by(user, claim),
            "already_checked": already_checked(claim, user),
            "may_dismiss": any(b.action == Action.DISMISS for b in buttons),
            "evidence": evidence,
            "evidence_rows": evidence_rows,
            "claim_form": claim_form,
            "sent_back": sent_back(claim, history),
            "open_verdict": open_verdict,
            "four_eyes_note": _four_eyes_note(user, open_verdict),
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
            "history": history,
            "published_before": published_before,
            "next_claim": next_claim_for(user, after=claim),
            "correction": _correction(standing, open_verdict),
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
    return render_claim(request, pk)


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
        return render_claim(request, pk, status=400, error=error, failed_action=typed)
    spent = spend_once(request, pk, f"action:{pk}")
    if isinstance(spent, once.TokenRefused):
        return render_claim(request, pk, status=400, error=spent, failed_action=typed)
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
        return render_claim(request, pk, status=error.http_status, error=error, failed_action=typed)
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


def spend_once(request: HttpRequest, pk: int, purpose: str) -> HttpResponse | None:
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
        return render_claim(request, pk, status=400, **{form_name: form})
    spent = spend_once(request, pk, f"{section}:{pk}")
    if isinstance(spent, once.TokenRefused):
        return render_claim(request, pk, status=400, error=spent, **{form_name: form})
    if spent is not None:
        return spent
    fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        save(claim_id=pk, actor=request.user, **fields)
    except services.WorkflowError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        return render_claim(
            request,
            pk,
            status=error.http_status,
            error=error,
            stale=_moved_on(form, error),
            **{form_name: form},
        )
    messages.success(request, done)
    return redirect(reverse("desk-claim", args=[pk]) + f"#{section}")
