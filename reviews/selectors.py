"""Reads about reviews: one function per question, used by the API, the desk and the admin
alike. Which claims a user may see is claims.selectors.visible_claims; every read here
starts from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from claims.models import Claim
from claims.selectors import other_end, similar_links, visible_claims
from reviews.models import Transition, Verdict


def published_verdicts_prefetch() -> Prefetch:
    """The approved and superseded verdicts (with ratings and people), oldest first."""
    return Prefetch(
        "verdicts",
        queryset=Verdict.objects.filter(
            state__in=[Verdict.State.APPROVED, Verdict.State.SUPERSEDED, Verdict.State.WITHDRAWN]
        )
        .select_related("rating", "author", "approver")
        .order_by("approved_at", "id"),
        to_attr="public_verdicts",
    )


def claims_for_claimreview(user) -> QuerySet[Claim]:
    """Claims with a public page (see visible_claims) with everything ClaimReview needs,
    in a fixed number of queries."""
    return (
        visible_claims(user)
        .filter(is_public=True)
        .select_related("article", "article__outlet", "claimant")
        .prefetch_related(published_verdicts_prefetch())
    )


def claim_history(claim: Claim) -> QuerySet[Transition]:
    return claim.transitions.select_related("actor", "assignee", "verdict").order_by(
        "created_at", "id"
    )


def _may(codename: str) -> Q:
    perm = Permission.objects.filter(content_type__app_label="reviews", codename=codename)
    return Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)


def _may_propose() -> Q:
    return _may("propose_verdict")


def members_with_perm(codename: str) -> QuerySet:
    """Active people with the reviews app's permission `codename` (by a role, their own
    permission or as superusers). One query."""
    return get_user_model().objects.filter(_may(codename), is_active=True).distinct()


def assignable_members() -> QuerySet:
    """The people a claim may be assigned to: active, and allowed to propose verdicts (by a
    role, a permission of their own, or as superusers), by name. One query. The admin's
    and the desk's choice of assignee and `services.assign`'s check all ask this."""
    return (
        get_user_model()
        .objects.filter(_may_propose(), is_active=True)
        .distinct()
        .order_by("username")
    )


def is_assignable(user) -> bool:
    """May a claim be assigned to this user? (One of `assignable_members`.)"""
    return bool(
        user is not None
        and getattr(user, "pk", None) is not None
        and assignable_members().filter(pk=user.pk).exists()
    )


def published_fact_checks(user) -> QuerySet[Claim]:
    """The public index: claims whose verdict stands published (not withdrawn, and still
    public while reopened for a correction), newest publication first, each with its
    approved verdict and rating prefetched. Search it with claims.selectors.search_claims."""
    approved = Verdict.objects.filter(claim=OuterRef("pk"), state=Verdict.State.APPROVED)
    return (
        visible_claims(user)
        .filter(is_public=True)
        .annotate(published_at=Subquery(approved.values("approved_at")[:1]))
        .filter(published_at__isnull=False)
        .select_related("article", "article__outlet", "claimant")
        .defer("article__body", "article__content_hash", "checkworthiness_reasons")
        .prefetch_related(
            Prefetch(
                "verdicts",
                queryset=Verdict.objects.filter(state=Verdict.State.APPROVED).select_related(
                    "rating"
                ),
                to_attr="approved_verdicts",
            )
        )
        .order_by("-published_at", "-id")
    )


def with_published_rating(claims: QuerySet[Claim], rating) -> QuerySet[Claim]:
    """Claims whose standing published verdict carries `rating`."""
    return claims.filter(
        Exists(
            Verdict.objects.filter(
                claim=OuterRef("pk"), state=Verdict.State.APPROVED, rating=rating
            )
        )
    )


@dataclass
class HistoryEntry:
    """One line of a claim's history on the desk: a workflow step, or a correction of the
    claim or of its evidence (with the fields that changed, old and new)."""

    when: datetime
    actor: object
    what: str
    action: str = ""
    moved: tuple[str, str] | None = None
    comment: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)


_CLAIM_FIELD_LABELS = {
    "text": "text",
    "span_start": "span start",
    "span_end": "span end",
    "claimant": "claimant",
    "claim_date": "date",
}
_EVIDENCE_FIELD_LABELS = {
    "url": "url",
    "title": "title",
    "publisher": "publisher",
    "quote": "quote",
    "kind": "kind",
    "stance": "stance",
}


def _changes(new, old, labels: dict[str, str]) -> list[tuple[str, str, str]]:
    if old is None:
        return []
    out = []
    for name, label in labels.items():
        before, after = getattr(old, f"{name}_id", None), getattr(new, f"{name}_id", None)
        if before is None and after is None:
            before, after = getattr(old, name), getattr(new, name)
        if before != after:
            out.append(
                (label, "" if before is None else str(before), "" if after is None else str(after))
            )
    return out


def claim_record(claim: Claim) -> list[HistoryEntry]:
    """The claim's history as the desk shows it, oldest first: its workflow steps, the
    corrections of its text, span, claimant, date and evidence, and each save of its
    verdict drafts. Four queries however long the history, and one to name claimants
    and one to name ratings when such a change is in it."""
    from reviews.models import Evidence

    entries = [
        HistoryEntry(
            when=t.created_at,
            actor=t.actor,
            what=t.get_action_display().lower()
            + (f" to {t.assignee.get_username()}" if t.assignee and t.action == "assign" else ""),
            action=t.action,
            moved=(t.get_from_status_display().lower(), t.get_to_status_display().lower()),
            comment=t.comment,
        )
        for t in claim_history(claim)
    ]
    previous = None
    for row in (
        Claim.history.filter(id=claim.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        if (row.history_change_reason or "").startswith("edited"):
            entries.append(
                HistoryEntry(
                    when=row.history_date,
                    actor=row.history_user,
                    what="corrected the claim",
                    action="edit",
                    changes=_changes(row, previous, _CLAIM_FIELD_LABELS),
                )
            )
        previous = row
    last_of: dict[int, object] = {}
    for row in (
        Evidence.history.filter(claim_id=claim.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        reason = row.history_change_reason or ""
        if reason in ("changed", "removed"):
            entries.append(
                HistoryEntry(
                    when=row.history_date,
                    actor=row.history_user,
                    what=f"{reason} evidence “{row.title}”",
                    action=f"evidence_{reason}",
                    changes=_changes(row, last_of.get(row.id), _EVIDENCE_FIELD_LABELS)
                    if reason == "changed"
                    else [],
                )
            )
        last_of[row.id] = row
    entries += _verdict_writing(claim)
    _name_claimants(entries)
    entries.sort(key=lambda e: e.when)
    return entries


_VERDICT_FIELD_LABELS = {"rating": "rating", "summary": "summary", "rationale": "rationale"}


def _verdict_writing(claim: Claim) -> list[HistoryEntry]:
    """Who wrote the claim's verdicts, each save a line with what it changed: four eyes by
    content (reviews.contributions) shows here as well as refusing a contributor's
    publish. One query, and one more to name ratings when a rating changed."""
    from reviews.models import Rating, Verdict

    entries, last_of = [], {}
    for row in (
        Verdict.history.filter(claim_id=claim.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        reason = row.history_change_reason or ""
        if reason in ("drafted", "draft changed"):
            changes = _changes(row, last_of.get(row.id), _VERDICT_FIELD_LABELS)
            if reason == "drafted" or changes:
                entries.append(
                    HistoryEntry(
                        when=row.history_date,
                        actor=row.history_user,
                        what="drafted the verdict"
                        if reason == "drafted"
                        else "changed the verdict draft",
                        action="verdict_written",
                        changes=changes,
                    )
                )
        last_of[row.id] = row
    _name_ids(entries, "rating", Rating.objects.values_list("pk", "label"))
    return entries


def _name_claimants(entries: list[HistoryEntry]) -> None:
    """Claimants by name, not id, in the changes (one query, only when one changed)."""
    from claims.models import Claimant

    _name_ids(entries, "claimant", Claimant.objects.values_list("pk", "name"))


def _name_ids(entries: list[HistoryEntry], label: str, names_of) -> None:
    """The ids in the changes of `label` replaced by names from `names_of`, a (pk, name)
    values queryset: one query, only when such a change is there."""
    ids = {
        int(v)
        for e in entries
        for name, old, new in e.changes
        if name == label
        for v in (old, new)
        if v
    }
    if not ids:
        return
    names = dict(names_of.filter(pk__in=ids))
    for e in entries:
        e.changes = [
            (
                name,
                names.get(int(old), old) if old else "",
                names.get(int(new), new) if new else "",
            )
            if name == label
            else (name, old, new)
            for name, old, new in e.changes
        ]


def mark_sent_back(claims: list[Claim]) -> list[Claim]:
    """Set `sent_back` on each claim of a list: the editor's send-back step (with its
    actor and comment) when that is the claim's latest step and it is back in review,
    else None. One query, none when no claim of the list is in review."""
    for claim in claims:
        claim.sent_back = None
    ids = [c.pk for c in claims if c.status == Claim.Status.IN_REVIEW]
    if not ids:
        return claims
    latest = (
        Transition.objects.filter(claim=OuterRef("claim"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    steps = {
        t.claim_id: t
        for t in Transition.objects.filter(
            claim_id__in=ids, action=Transition.Action.SEND_BACK, pk=Subquery(latest)
        ).select_related("actor")
    }
    for claim in claims:
        claim.sent_back = steps.get(claim.pk)
    return claims


def next_claim_for(user, *, after: Claim | None = None) -> Claim | None:
    """The claim this person should turn to next: their own claim in review that has waited
    longest, else the most check-worthy unassigned new claim (never `after`). Two queries
    at most."""
    others = visible_claims(user).exclude(pk=getattr(after, "pk", None))
    mine = (
        others.filter(assignee=user, status=Claim.Status.IN_REVIEW)
        .order_by("updated_at", "id")
        .only("pk", "text")
        .first()
    )
    if mine is not None:
        return mine
    return (
        others.filter(status=Claim.Status.NEW, assignee__isnull=True)
        .order_by(F("checkworthiness").desc(nulls_last=True), "-created_at", "-id")
        .only("pk", "text")
        .first()
    )


@dataclass(frozen=True)
class AlreadyChecked:
    """A claim that states the same as the one at hand and already has a published
    verdict: the hint that it may not need checking again."""

    claim: Claim
    verdict: Verdict
    score: float


def already_checked(claim: Claim, user) -> list[AlreadyChecked]:
    """The claims linked to `claim` (rejected links left out) that have a published
    verdict standing, best match first, in two queries however many there are."""
    scores: dict[int, float] = {}
    for link in similar_links(claim, user):
        other = other_end(link, claim.pk)
        scores[other.pk] = max(scores.get(other.pk, 0.0), link.score)
    if not scores:
        return []
    verdicts = Verdict.objects.filter(
        claim_id__in=scores, state=Verdict.State.APPROVED, claim__is_public=True
    ).select_related("rating", "claim__article__outlet")
    found = [AlreadyChecked(claim=v.claim, verdict=v, score=scores[v.claim_id]) for v in verdicts]
    return sorted(found, key=lambda hit: (-hit.score, -hit.claim.pk))
