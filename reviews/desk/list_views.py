"""The desk's paged lists: every claim (filtered, sorted, searched) and every article.

Filters and sort live in the url (reviews.desk.lists); a page of 100 costs the same
number of queries as a page of 25.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reviews.desk.lists import (
    ArticleListForm,
    ClaimListForm,
    active_filters,
    filter_articles,
    filter_claims,
    paginate,
)
from reviews.desk.views import desk_required
from reviews.selectors import assignable_members


def _report_problems(request: HttpRequest, form) -> None:
    for problem in form.problems():
        messages.warning(request, problem)


@require_GET
@desk_required
def claim_list(request: HttpRequest) -> HttpResponse:
    """Every claim the desk may see, narrowed by the url's filters, a page at a time."""
    form = ClaimListForm(request.GET)
    form.is_valid()
    _report_problems(request, form)
    paged = paginate(filter_claims(form, user=request.user), form)
    return render(
        request,
        "reviews/claim_list.html",
        {
            "form": form,
            "paged": paged,
            "claims": paged.rows,
            "filtered": active_filters(form),
            "people": list(assignable_members().values_list("username", flat=True)),
        },
    )


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
        {"form": form, "paged": paged, "articles": paged.rows, "filtered": active_filters(form)},
    )
