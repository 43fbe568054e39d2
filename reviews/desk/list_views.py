"""The desk's paged lists: every claim (filtered, sorted, searched) and every article.

Filters and sort live in the url (reviews.desk.lists); a page of 100 costs the same
number of queries as a page of 25.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from claims.intake import may_add_articles
from reviews.desk import once
from reviews.desk.bulk import BulkForm, run_bulk
from reviews.desk.lists import (
    ArticleListForm,
    ClaimListForm,
    active_filters,
    filter_articles,
    filter_claims,
    paginate,
)
from reviews.desk.views import desk_required
from reviews.selectors import assignable_members, mark_sent_back


def _report_problems(request: HttpRequest, form) -> None:
    for problem in form.problems():
        messages.warning(request, problem)


def _render_claim_list(
    request: HttpRequest,
    query: QueryDict,
    *,
    bulk_form: BulkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    form = ClaimListForm(query)
    form.is_valid()
    _report_problems(request, form)
    paged = paginate(filter_claims(form, user=request.user), form)
    bulk_form = bulk_form or BulkForm(user=request.user)
    selected = set(bulk_form.cleaned_data.get("claim") or []) if bulk_form.is_bound else set()
    return render(
        request,
        "reviews/claim_list.html",
        {
            "form": form,
            "paged": paged,
            "claims": mark_sent_back(paged.rows),
            "filtered": active_filters(form),
            "people": list(assignable_members().values_list("username", flat=True)),
            "bulk_form": bulk_form,
            "selectable": bool(bulk_form.steps),
            "selected": selected,
            "list_url": reverse("desk-claims") + (f"?{query.urlencode()}" if query else ""),
        },
        status=status,
    )


@require_GET
@desk_required
def claim_list(request: HttpRequest) -> HttpResponse:
    """Every claim the desk may see, narrowed by the url's filters, a page at a time."""
    return _render_claim_list(request, request.GET)


def _back_to_list(request: HttpRequest) -> tuple[str, QueryDict]:
    """The list the bulk form was sent from (its url, and its query), if it is ours."""
    target = request.POST.get("next", "")
    list_path = reverse("desk-claims")
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return list_path, QueryDict()
    parts = urlsplit(target)
    if parts.path != list_path:
        return list_path, QueryDict()
    return target, QueryDict(parts.query)


@require_POST
@desk_required
def claim_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk triage: the chosen step on each selected claim, each on its own; the list
    again with what went through and, claim by claim, why the others did not."""
    back, query = _back_to_list(request)
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        # The list again with the selection and the reason as typed, and what to fix.
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else "Bulk action"
            messages.error(request, f"{label}: {' '.join(errors)}")
        return _render_claim_list(request, query, bulk_form=form, status=400)
    try:
        once.spend(request.POST.get(once.FIELD), user=request.user, purpose="bulk")
    except once.AlreadySent as sent:
        messages.info(request, sent.message)
        return redirect(back)
    except once.TokenRefused as refused:
        messages.error(request, refused.message)
        return _render_claim_list(request, query, bulk_form=form, status=400)
    data = form.cleaned_data
    result = run_bulk(
        action=data["action"],
        claim_ids=data["claim"],
        actor=request.user,
        comment=data["comment"],
        assignee=data["assignee"],
    )
    verb = result.step.label.lower()
    if result.done:
        numbers = ", ".join(f"#{n}" for n in result.done)
        messages.success(
            request,
            f"{verb.capitalize()}: {len(result.done)} claim{'s' if len(result.done) != 1 else ''}"
            f" done ({numbers}).",
        )
    for claim_id, why in result.refused:
        messages.warning(request, f"#{claim_id} not done ({verb}): {why}")
    return redirect(back)


@require_GET
@desk_required
def article_list(request: HttpRequest) -> HttpResponse:
    """Every article, newest first, searchable and filtered by outlet and date."""
    form = ArticleListForm(request.GET)
    form.is_valid()
    _report_problems(request, form)
    paged = paginate(filter_articles(form), form)
    return render(
        request,
        "reviews/article_list.html",
        {
            "form": form,
            "paged": paged,
            "articles": paged.rows,
            "filtered": active_filters(form),
            "may_add_articles": may_add_articles(request.user),
        },
    )
