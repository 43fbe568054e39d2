"""Admin for other publishers' fact checks and the table that maps their ratings onto
ours. An edit to the table reads every stored external rating again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction

from reviews.claimreview_import import remap_external_fact_checks
from reviews.models import ExternalFactCheck, RatingMapping


@admin.register(RatingMapping)
class RatingMappingAdmin(admin.ModelAdmin):
    list_display = ["publisher_or_any", "rating_text", "rating_value", "scale", "rating"]
    list_filter = ["rating"]
    search_fields = ["publisher", "rating_text"]
    fields = ["publisher", "rating_text", "rating_value", "worst_rating", "best_rating", "rating"]

    @admin.display(description="publisher", ordering="publisher_key")
    def publisher_or_any(self, obj: RatingMapping) -> str:
        return obj.publisher or "(any)"

    @admin.display(description="scale")
    def scale(self, obj: RatingMapping) -> str:
        if obj.rating_value is None:
            return ""
        return f"{obj.worst_rating:g}..{obj.best_rating:g}"

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = remap_external_fact_checks()
        self._said(request, changed)

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            changed = remap_external_fact_checks()
        self._said(request, changed)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            changed = remap_external_fact_checks()
        self._said(request, changed)

    def _said(self, request, changed: int) -> None:
        if changed:
            messages.info(request, f"{changed} imported fact checks now read differently.")


@admin.register(ExternalFactCheck)
class ExternalFactCheckAdmin(admin.ModelAdmin):
    list_display = ["claim_text", "publisher", "rating_text", "rating", "review_date", "source"]
    list_filter = ["source", "rating", "publisher"]
    search_fields = ["claim_text", "claimant", "publisher", "url"]
    list_select_related = ["rating"]
    # Imported data: changed by importing again, not by hand (the mapping decides `rating`).
    readonly_fields = [f.name for f in ExternalFactCheck._meta.fields]

    def has_add_permission(self, request):
        return False
