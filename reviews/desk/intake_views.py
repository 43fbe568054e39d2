"""Articles and claims in from the desk's browser: a pasted or uploaded article (through
the loader, claims.intake), the progress of a long one, and a passage of an article page
selected and added as a claim (claims.services.add_manual_claim).

Views parse the form, call the service, and show its refusal on the page with its status;
the rules (who may, what is refused) are the services'.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims import services as claim_services
from claims.intake import (
    Details,
    IntakeNotPermitted,
    expected_seconds,
    may_add_articles,
    source_from_text,
    source_from_upload,
    submit_article,
)
from claims.loading import InputError, max_article_bytes
from claims.models import Article, ArticleIntake
from reviews.desk import once
from reviews.desk.forms import DeskForm
from reviews.desk.views import desk_required


class ArticleIntakeForm(DeskForm):
    text = forms.CharField(
        label="Article text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Paste the article, or upload its file below.",
    )
    file = forms.FileField(
        label="Or upload a file",
        required=False,
        help_text=".txt (title on the first line), .json (url, title, outlet, published, "
        "byline, text) or .html (the page: its main text is taken)",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.json,.html,.htm"}),
    )
    url = forms.CharField(label="Url", required=False, max_length=2100)
    title = forms.CharField(label="Title", required=False, max_length=600)
    outlet = forms.CharField(label="Outlet", required=False, max_length=300)
    published = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    byline = forms.CharField(label="Byline", required=False, max_length=400)

    def clean(self):
        cleaned = super().clean()
        has_text = bool((cleaned.get("text") or "").strip())
        if has_text == bool(cleaned.get("file")):
            raise forms.ValidationError("Paste the article's text or upload its file (one).")
        return cleaned


def _render_intake(request, form, *, problem: str = "", status: int = 200, existing=None):
    return render(
        request,
        "reviews/article_new.html",
        {
            "form": form,
            "problem": problem,
            "existing": existing,
            "limit": max_article_bytes(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@desk_required
def article_new(request: HttpRequest) -> HttpResponse:
    """Paste or upload an article; its claims are found and shown on its page."""
    if not may_add_articles(request.user):
        raise PermissionDenied("Only an editor can add articles on this desk.")
    if request.method == "GET":
        return _render_intake(request, ArticleIntakeForm())
    try:
        form = ArticleIntakeForm(request.POST, request.FILES)
    except RequestDataTooBig:
        # Django's own cap on a form's fields (DATA_UPLOAD_MAX_MEMORY_SIZE), before ours.
        return _render_intake(
            request,
            ArticleIntakeForm(),
            problem="The text sent is too large for a form: upload it as a file instead.",
            status=400,
        )
    if not form.is_valid():
        return _render_intake(request, form, status=400)
    try:
        once.spend(request.POST.get(once.FIELD), user=request.user, purpose="article-new")
    except once.AlreadySent as sent:
        messages.info(request, sent.message)
        return redirect("desk-articles")
    except once.TokenRefused as refused:
        return _render_intake(request, form, problem=refused.message, status=400)
    data = form.cleaned_data
    details = Details(
        url=data["url"].strip(),
        outlet=data["outlet"].strip(),
        byline=data["byline"].strip(),
        published=data["published"],
        title=data["title"].strip(),
    )
    try:
        if data["file"]:
            upload = data["file"]
            source = source_from_upload(upload.name, upload.chunks(), upload.size, details)
        else:
            source = source_from_text(data["text"], details)
        submitted = submit_article(source=source, actor=request.user)
    except IntakeNotPermitted as error:
        raise PermissionDenied(error.message) from None
    except InputError as error:
        return _render_intake(request, form, problem=str(error), status=400)
    if submitted.intake is not None:
        return redirect("desk-article-intake", pk=submitted.intake.pk)
    result = submitted.result
    article = result.article
    if result.outcome == "conflict":
        return _render_intake(
            request,
            form,
            problem=f"{source.where}: another text is stored under this url (article "
            f"#{article.pk}); the stored text was kept.",
            status=409,
            existing=article,
        )
    if result.outcome == "unchanged":
        messages.info(request, f"This text is stored already (article #{article.pk}).")
    else:
        messages.success(
            request,
            f"Article #{article.pk} stored: {result.claims_created} "
            f"claim{'s' if result.claims_created != 1 else ''} found.",
        )
    return redirect("desk-article", pk=article.pk)


def _progress(intake: ArticleIntake) -> dict:
    now = timezone.now()
    since = intake.started_at or intake.created_at
    end = intake.finished_at or now
    done = intake.state == ArticleIntake.State.DONE
    return {
        "state": intake.state,
        "label": intake.get_state_display(),
        "seconds": round((end - since).total_seconds()),
        "expected_seconds": expected_seconds(intake),
        "finished": intake.state in (ArticleIntake.State.DONE, ArticleIntake.State.REFUSED),
        "outcome": intake.outcome,
        "claims_created": intake.claims_created,
        "problem": intake.problem,
        "article_url": (
            reverse("desk-article", args=[intake.article_id]) if done and intake.article_id else ""
        ),
    }


@require_GET
@desk_required
def article_intake(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a long article the worker is loading (JSON with ?format=json, which
    the page's script polls)."""
    intake = get_object_or_404(ArticleIntake, pk=pk)
    progress = _progress(intake)
    if request.GET.get("format") == "json":
        return JsonResponse(progress)
    return render(request, "reviews/article_intake.html", {"intake": intake, "progress": progress})


# -- a claim from a selection ------------------------------------------------------------


class SelectionForm(DeskForm):
    text = forms.CharField(
        label="Passage",
        strip=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Select it in the article (the field fills in), or type it exactly as "
        "the article says it.",
    )
    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    claimant = forms.CharField(label="Claimant (optional)", required=False, max_length=200)


def selection_span(body: str, data: dict) -> tuple[int, int]:
    """Where the passage stands: the offsets the page sent, or the one place the typed
    passage appears (no script: no offsets)."""
    if data.get("start") is not None and data.get("end") is not None:
        return data["start"], data["end"]
    text = data["text"]
    found = body.count(text) if text else 0
    if found == 0:
        raise claim_services.ClaimsError(
            "That passage is not in the article as typed.", field="text"
        )
    if found > 1:
        raise claim_services.ClaimsError(
            f"That passage appears {found} times in the article: select the one you mean.",
            field="text",
        )
    start = body.index(text)
    return start, start + len(text)


@require_POST
@desk_required
def article_add_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """A passage of the article, selected on its page, becomes a claim: the exact span is
    kept, and the server checks that the article says the selection there."""
    from reviews.desk.views import render_article

    article = get_object_or_404(Article, pk=pk)
    form = SelectionForm(request.POST)
    if not form.is_valid():
        return render_article(request, pk, selection_form=form, status=400)
    try:
        once.spend(request.POST.get(once.FIELD), user=request.user, purpose=f"select:{pk}")
    except once.AlreadySent as sent:
        messages.info(request, sent.message)
        return redirect("desk-article", pk=pk)
    except once.TokenRefused as refused:
        return render_article(request, pk, selection_form=form, problem=refused.message, status=400)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            # The claimant is kept only with the claim: a refused claim leaves no name.
            start, end = selection_span(article.body, data)
            claimant = None
            if data["claimant"].strip():
                claimant = claim_services.get_or_create_claimant(name=data["claimant"])
            claim = claim_services.add_manual_claim(
                article_id=pk,
                actor=request.user,
                start=start,
                end=end,
                claimant=claimant,
                text=data["text"],
            )
    except claim_services.ClaimsError as error:
        return render_article(
            request, pk, selection_form=form, problem=error.message, status=error.http_status
        )
    messages.success(request, f"Claim #{claim.pk} added: “{claim}”.")
    return redirect(reverse("desk-article", args=[pk]) + f"#claim-{claim.pk}")
