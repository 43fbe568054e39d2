"""Admin for claims (with their evidence, verdicts and history), ratings, evidence,
verdicts and the read-only transition log. Workflow changes go through reviews.services."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from claims.models import Claim
from reviews.models import Evidence, Rating, Transition, Verdict


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ["title", "url", "kind", "stance", "added_by", "archived_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class VerdictInline(admin.TabularInline):
    model = Verdict
    fields = ["rating", "summary", "state", "author", "approver", "approved_at", "correction_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = Transition
    fields = ["created_at", "action", "from_status", "to_status", "actor", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["id", "__str__", "status", "assignee", "claimant", "checkworthiness", "article"]
    list_filter = ["status", "assignee", "verdicts__rating", "article__outlet", "origin"]
    search_fields = ["text", "article__title", "claimant__name"]
    list_select_related = ["assignee", "claimant", "article"]
    readonly_fields = [
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
    inlines = [EvidenceInline, VerdictInline, TransitionInline]

    def has_add_permission(self, request):
        # Claims come from articles (load_articles, the API) or the reviewer pages.
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["label", "value", "best_value", "worst_value", "colour", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["label"]}


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "claim", "kind", "stance", "publisher", "added_by", "archived_at"]
    list_filter = ["kind", "stance", "archive_status"]
    search_fields = ["title", "url", "quote", "publisher", "claim__text"]
    list_select_related = ["claim", "added_by"]
    readonly_fields = [
        "added_by",
        "archived_at",
        "archive_status",
        "archive_hash",
        "archive_text",
        "archive_error",
        "created_at",
        "updated_at",
    ]


@admin.register(Verdict)
class VerdictAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "rating", "summary", "state", "author", "approver", "approved_at"]
    list_filter = ["state", "rating"]
    search_fields = ["summary", "rationale", "claim__text"]
    list_select_related = ["claim", "rating", "author", "approver"]
    readonly_fields = [
        "state",
        "author",
        "proposed_by",
        "proposed_at",
        "approver",
        "approved_at",
        "supersedes",
        "created_at",
        "updated_at",
    ]


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "claim", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status"]
    search_fields = ["claim__text", "comment", "actor__username"]
    list_select_related = ["claim", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
