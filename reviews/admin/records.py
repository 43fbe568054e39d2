"""Admin for ratings, evidence, verdicts and the read-only transition log."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from claims.admin import (
    HTTPS_URLS,
    ReadOnlyHistoryAdmin,
    https_urls,
)
from claims.models import Claim
from reviews import services
from reviews.admin.common import RefusalAsMessageMixin, form_error
from reviews.models import Evidence, Rating, Transition, Verdict


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["label", "value", "best_value", "worst_value", "colour", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["label"]}


# -- evidence ---------------------------------------------------------------------------


class OfClaimMixin:
    """For evidence and verdicts: a record belongs to the claim it was made for (the claim
    is not changed once it is stored), and its form checks what the signed-in user may do."""

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["claim", *self.readonly_fields]
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form


class EvidenceAdminForm(forms.ModelForm):
    actor = None  # set per request by EvidenceAdmin.get_form

    class Meta:
        model = Evidence
        fields = ["claim", "url", "title", "publisher", "quote", "kind", "stance"]
        formfield_callback = https_urls

    def target_claim(self) -> Claim | None:
        if self.instance.pk is not None:
            return self.instance.claim
        return self.cleaned_data.get("claim")

    def clean(self):
        cleaned = super().clean()
        claim = self.target_claim()
        if claim is not None and (self.instance.pk is None or self.has_changed()):
            try:
                services.check_can_work_on(actor=self.actor, claim=claim)
            except services.WorkflowError as error:
                raise form_error(error) from None
        return cleaned


@admin.register(Evidence)
class EvidenceAdmin(RefusalAsMessageMixin, OfClaimMixin, ReadOnlyHistoryAdmin):
    form = EvidenceAdminForm
    formfield_overrides = HTTPS_URLS
    list_display = [
        "title",
        "claim",
        "kind",
        "stance",
        "publisher",
        "added_by",
        "archive_state",
        "archived_at",
    ]
    list_filter = ["kind", "stance", "archive_state", "archive_status"]
    search_fields = ["title", "url", "quote", "publisher", "claim__text"]
    list_select_related = ["claim", "added_by"]
    autocomplete_fields = ["claim"]
    actions = ["retry_archive"]
    readonly_fields = [
        "added_by",
        "archive_state",
        "archive_attempts",
        "archived_at",
        "archive_status",
        "archive_hash",
        "archive_text",
        "archive_error",
        "created_at",
        "updated_at",
    ]
    history_list_display = ["url", "stance", "kind"]

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or services.can_work_on(request.user, obj.claim))

    @admin.action(description="Retry the archive of the selected failed evidence")
    def retry_archive(self, request, queryset):
        failed = queryset.filter(archive_state=Evidence.ArchiveState.FAILED)
        count = sum(
            services.retry_archive(evidence_id=pk) for pk in failed.values_list("pk", flat=True)
        )
        self.message_user(request, f"{count} failed archive(s) queued again.")

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in services.EVIDENCE_FIELDS
            if name in form.cleaned_data and (not change or name in form.changed_data)
        }
        if change:
            if fields:
                services.update_evidence(evidence_id=obj.pk, actor=request.user, **fields)
            return
        created = services.add_evidence(
            claim_id=form.cleaned_data["claim"].pk, actor=request.user, **fields
        )
        # The admin goes on with `obj` (the log entry, the redirect): make it the new row.
        obj.pk, obj.added_by, obj.created_at = created.pk, created.added_by, created.created_at
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.remove_evidence(evidence_id=obj.pk, actor=request.user)

    def delete_queryset(self, request, queryset):
        for evidence_id in queryset.values_list("pk", flat=True):
            try:
                services.remove_evidence(evidence_id=evidence_id, actor=request.user)
            except services.WorkflowError as error:
                self.message_user(
                    request, f"Evidence #{evidence_id}: {error.message}", messages.ERROR
                )


# -- verdicts ---------------------------------------------------------------------------


class VerdictAdminForm(forms.ModelForm):
    actor = None  # set per request by VerdictAdmin.get_form

    class Meta:
        model = Verdict
        fields = ["claim", "rating", "summary", "rationale", "correction_note"]

    def clean(self):
        cleaned = super().clean()
        claim = self.instance.claim if self.instance.pk else cleaned.get("claim")
        if claim is None:
            return cleaned
        try:
            services.check_can_draft_verdict(actor=self.actor, claim=claim)
        except services.WorkflowError as error:
            raise form_error(error) from None
        if self.instance.pk is None:
            open_verdict = claim.verdicts.filter(
                state__in=[Verdict.State.DRAFT, Verdict.State.PROPOSED]
            ).first()
            if open_verdict is not None:
                raise ValidationError(
                    f"This claim already has a draft verdict (#{open_verdict.pk}): change "
                    "that one instead.",
                    code="conflict",
                )
        return cleaned


@admin.register(Verdict)
class VerdictAdmin(RefusalAsMessageMixin, OfClaimMixin, ReadOnlyHistoryAdmin):
    form = VerdictAdminForm
    list_display = ["claim", "rating", "summary", "state", "author", "approver", "approved_at"]
    list_filter = ["state", "rating"]
    search_fields = ["summary", "rationale", "claim__text"]
    list_select_related = ["claim", "rating", "author", "approver"]
    autocomplete_fields = ["claim"]
    readonly_fields = [
        "state",
        "author",
        "proposed_by",
        "proposed_at",
        "approver",
        "approved_at",
        "supersedes",
        "contributors",
        "created_at",
        "updated_at",
    ]
    # The rating is a column of the history page, so a changed rating is seen at a glance
    # (the Changes column lists every changed field as well).
    history_list_display = ["rating", "state", "summary"]

    def has_change_permission(self, request, obj=None):
        # Only a draft is edited. A proposal waits for its editor; an approved verdict is
        # never edited in place (a correction is a new verdict that supersedes it).
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.state == Verdict.State.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Written by (none of them may approve it)")
    def contributors(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        rows = obj.contributions.select_related("user")
        return "; ".join(f"{c.user.get_username()}: {', '.join(c.fields)}" for c in rows) or "-"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.save_verdict_draft(
            claim_id=obj.claim_id if change else data["claim"].pk,
            actor=request.user,
            rating=data["rating"],
            summary=data["summary"],
            rationale=data["rationale"],
            correction_note=data.get("correction_note", ""),
        )
        obj.pk, obj.author, obj.created_at = saved.pk, saved.author, saved.created_at
        obj._state.adding = False


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
