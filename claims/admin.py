"""Admin for outlets, articles, claimants and similarity links. The Claim admin, which
shows evidence and verdicts inline, lives in reviews.admin (reviews builds on claims)."""

from __future__ import annotations

from django.contrib import admin

from claims.models import Article, Claim, Claimant, Outlet, SimilarClaim


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "url", "created_at"]
    list_filter = ["outlet", "language", "published"]
    search_fields = ["title", "url", "body", "byline"]
    list_select_related = ["outlet"]
    readonly_fields = ["content_hash", "created_at"]
    date_hierarchy = "published"
    inlines = [ClaimInline]

    def get_readonly_fields(self, request, obj=None):
        # The body is what every claim span points into: changing it would break them.
        if obj is not None:
            return [*self.readonly_fields, "body"]
        return self.readonly_fields


@admin.register(Claimant)
class ClaimantAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "role"]
    list_filter = ["kind"]
    search_fields = ["name", "role"]


@admin.register(SimilarClaim)
class SimilarClaimAdmin(admin.ModelAdmin):
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
