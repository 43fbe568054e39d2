"""Admin for outlets, articles, claimants, claims and similarity links.

The Claim admin here shows a claim as this app knows it, read-only. reviews.admin extends
it from its side (evidence, verdicts and transitions inline, the workflow actions, edits
under the workflow's rules) and registers the extended admin in its place: claims never
imports reviews.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from claims import services
from claims.loading import InputError, Source, load_article
from claims.models import Article, Claim, Claimant, Outlet, SimilarClaim

# A url typed without a scheme is taken as https (Django 6's default; 5.2 warns and
# assumes http): for the admin's own form fields, and for the ModelForms declared here.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def https_urls(db_field, **kwargs):
    """A ModelForm's formfield_callback: model fields' form fields, urls assuming https."""
    return db_field.formfield(**{**HTTPS_URLS.get(type(db_field), {}), **kwargs})


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Field history is a record to read: the revert form would write around the services."""

    def revert_disabled(self, request, obj=None):
        return True

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain"]
    search_fields = ["name", "domain"]


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = ["text", "status", "claimant", "checkworthiness", "origin"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ArticleAdminForm(forms.ModelForm):
    """A new article is checked as the loader checks it (url, text, duplicates)."""

    class Meta:
        model = Article
        fields = ["url", "title", "outlet", "byline", "published", "language", "body"]
        formfield_callback = https_urls

    def article_input(self) -> services.ArticleInput:
        data = self.cleaned_data
        return services.ArticleInput(
            text=data.get("body") or "",
            title=data.get("title") or "",
            url=data.get("url") or None,
            outlet=data["outlet"].name if data.get("outlet") else None,
            byline=data.get("byline") or "",
            published=data.get("published"),
            language=data.get("language") or "en",
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None or self.errors:
            return cleaned
        try:
            checked = services.validate_article_input(self.article_input())
        except services.ClaimsError as error:
            raise ValidationError(error.message) from None
        existing, _ = services.find_article(checked)
        if existing is not None:
            raise ValidationError(f"This article is already stored (#{existing.pk}).")
        return cleaned


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "outlet", "published", "url", "created_at"]
    list_filter = ["outlet", "language", "published"]
    search_fields = ["title", "url", "body", "byline"]
    list_select_related = ["outlet"]
    readonly_fields = ["content_hash", "created_at"]
    date_hierarchy = "published"
    inlines = [ClaimInline]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except InputError as error:  # form.clean checked the same; only a race gets here
            self.message_user(request, error.problem, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_readonly_fields(self, request, obj=None):
        # The body is what every claim span points into: changing it would break them.
        if obj is not None:
            return [*self.readonly_fields, "body"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new article takes the loader's one path: normalised url, content hash, and
        # its claims found by the extractor.
        result = load_article(Source(where="admin", data=form.article_input()))
        obj.pk, obj.content_hash = result.article.pk, result.article.content_hash
        obj.created_at = result.article.created_at
        obj._state.adding = False


@admin.register(Claimant)
class ClaimantAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "role"]
    list_filter = ["kind"]
    search_fields = ["name", "role"]


class SimilarClaimAdminForm(forms.ModelForm):
    class Meta:
        model = SimilarClaim
        fields = ["decision"]

    def clean_decision(self):
        decision = self.cleaned_data["decision"]
        if "decision" in self.changed_data and decision == SimilarClaim.Decision.PENDING:
            raise ValidationError("Decide 'confirmed' or 'rejected'.")
        return decision


@admin.register(SimilarClaim)
class SimilarClaimAdmin(admin.ModelAdmin):
    form = SimilarClaimAdminForm
    list_display = ["from_claim", "to_claim", "score", "conflicting", "decision", "decided_by"]
    list_filter = ["conflicting", "decision"]
    search_fields = ["from_claim__text", "to_claim__text"]
    list_select_related = ["from_claim", "to_claim", "decided_by"]
    readonly_fields = [
        "from_claim",
        "to_claim",
        "score",
        "conflicting",
        "conflict_detail",
        "decided_by",
        "decided_at",
        "created_at",
    ]

    def has_add_permission(self, request):
        # Links come from the similarity task; people only decide on them.
        return False

    def save_model(self, request, obj, form, change):
        if "decision" in form.changed_data:
            services.decide_similarity(
                link_id=obj.pk, actor=request.user, decision=form.cleaned_data["decision"]
            )


# Fields of a claim that no admin form writes: status and assignee change only through the
# workflow, the text and span are the article's own words.
CLAIM_READONLY_FIELDS = [
    "article",
    "source_url",
    "text",
    "span_start",
    "span_end",
    "status",
    "assignee",
    "origin",
    "checkworthiness",
    "checkworthiness_reasons",
    "duplicate_of",
    "version",
    "created_at",
    "updated_at",
]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyHistoryAdmin):
    """A claim, read-only: who may edit its claimant or date depends on its review state,
    which the reviews app's admin (registered in place of this one) knows."""

    formfield_overrides = HTTPS_URLS
    list_display = ["id", "__str__", "status", "assignee", "claimant", "checkworthiness", "article"]
    list_filter = ["status", "assignee", "article__outlet", "origin"]
    search_fields = ["text", "article__title", "claimant__name"]
    list_select_related = ["assignee", "claimant", "article"]
    autocomplete_fields = ["claimant"]
    readonly_fields = [*CLAIM_READONLY_FIELDS, "claimant", "claim_date"]
    history_list_display = ["status", "assignee", "version"]

    def has_add_permission(self, request):
        # Claims come from articles (load_articles, the API) or the reviewer pages.
        return False
