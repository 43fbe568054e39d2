"""A claim's row in the desk's lists (the dashboard's sections, the claim list, an
article's claims): `{% claim_row c %}`, written in Python, since a page draws up to a
hundred of them and the template language spent about 0.15 ms of CPU on each (the
dashboard at 100,000 claims, bench/dashboard_bench.py); this takes a fifth of that.
Every value from the data goes through `_e` (what the template's autoescape does); the
claim list's bulk form sets `selectable` and `selected`."""

from __future__ import annotations

from html import escape

from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from claims.models import Claim
from reviews.desk.templatetags.desk import percent

_STATUS_LABELS = {value: str(label) for value, label in Claim.Status.choices}


def _e(value) -> str:
    # django.utils.html.escape without its lazy-string wrapper: the same five characters.
    return escape(str(value), quote=True)


def _short(text: str, most: int) -> str:
    # The template's truncatechars, only where there is something to cut.
    return text if len(text) <= most else truncatechars(text, most)


def claim_row(claim, *, selectable: bool = False, selected=()) -> SafeString:
    """One row: status, "Sent back", the published rating, the text linked to the claim's
    page, check-worthiness, claimant, outlet, assignee, number, the editor's comment."""
    pk = int(claim.pk)
    sent_back = getattr(claim, "sent_back", None)
    verdicts = getattr(claim, "approved_verdicts", None)
    parts = [f'<li class="row{" row-selectable" if selectable else ""}">\n']
    if selectable:
        checked = " checked" if claim.pk in selected else ""
        parts.append(
            f'<input class="row-select" type="checkbox" name="claim" value="{pk}"'
            f' form="bulk-form" id="select-{pk}" aria-label="Select claim #{pk}"{checked}>\n'
        )
    parts.append(
        f'<span class="row-tags">\n<span class="badge status-{_e(claim.status)}">'
        f"{_e(_STATUS_LABELS.get(claim.status, claim.status))}</span>\n"
    )
    if sent_back:
        parts.append('<span class="badge badge-sent-back">Sent back</span>\n')
    if verdicts:
        rating = verdicts[0].rating
        parts.append(
            f'<span class="rating-chip rating-{_e(rating.slug)}">{_e(rating.label)}</span>\n'
        )
    parts.append(
        f'</span>\n<span class="row-body">\n<a class="row-text" href="'
        f'{_e(reverse("desk-claim", args=[pk]))}">{_e(claim.text)}</a>\n<span class="row-meta">\n'
    )
    if claim.checkworthiness is not None:
        score = percent(claim.checkworthiness)
        parts.append(f'<span class="score" title="Check-worthiness">{score}</span>\n')
    if claim.claimant_id is not None:
        parts.append(f"<span>{_e(claim.claimant.name)}</span>\n")
    if claim.article_id is not None:
        article = claim.article
        where = (article.outlet.name if article.outlet_id is not None else "") or article.title
        parts.append(f'<span class="muted">{_e(_short(where, 40))}</span>\n')
    if claim.assignee_id is not None:
        parts.append(f'<span class="muted">→ {_e(claim.assignee.get_username())}</span>\n')
    parts.append(f'<span class="muted">#{pk}</span>\n</span>\n')
    if sent_back:
        parts.append(
            f'<span class="row-sent-back">Sent back by {_e(sent_back.actor.get_username())}: '
            f"“{_e(_short(sent_back.comment, 200))}”</span>\n"
        )
    parts.append("</span>\n</li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
