"""What reviews adds to the claims app's Claim admin: evidence, verdicts and transitions
inline, the workflow page and list actions (from reviews.workflow), and edits of claimant
and date under the workflow's rules. Registered in place of claims.admin.ClaimAdmin."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from claims.admin import (
    CLAIM_READONLY_FIELDS,
)
from claims.admin import ClaimAdmin as BaseClaimAdmin
from claims.models import Claim
from reviews import services
from reviews.admin.common import RefusalAsMessageMixin, form_error
from reviews.models import Evidence, Transition, Verdict
from reviews.selectors import assignable_members
from reviews.workflow import STEPS, WORKFLOW, Step

Action = Transition.Action


# -- inlines on the claim page ----------------------------------------------------------


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ["title", "url", "kind", "stance", "added_by", "archived_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("added_by")

    def has_add_permission(self, request, obj=None):
        return False


class VerdictInline(admin.TabularInline):
    model = Verdict
    fields = [
        "rating",
        "summary",
        "state",
        "author",
        "approver",
        "approved_at",
        "supersedes",
        "correction_note",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("rating", "author", "approver", "supersedes__rating")
        )

    def has_add_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = Transition
    fields = ["created_at", "action", "from_status", "to_status", "actor", "assignee", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "assignee")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# -- claims -----------------------------------------------------------------------------


class ClaimAdminForm(forms.ModelForm):
    """Edits of claimant and date go through services.update_claim with the version seen."""

    version_seen = forms.IntegerField(widget=forms.HiddenInput)
    actor = None  # set per request by ClaimAdmin.get_form

    class Meta:
        model = Claim
        fields = ["claimant", "claim_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version_seen"].initial = self.instance.version

    def edited_fields(self) -> list[str]:
        return [name for name in self.changed_data if name in ("claimant", "claim_date")]

    def clean(self):
        cleaned = super().clean()
        if not self.edited_fields():
            return cleaned
        try:
            services.check_can_work_on(actor=self.actor, claim=self.instance)
        except services.WorkflowError as error:
            raise form_error(error) from None
        seen = cleaned.get("version_seen")
        if seen is not None and seen != self.instance.version:
            raise ValidationError(
                f"This claim has changed since you loaded it (your copy is version {seen}, "
                f"the current one is {self.instance.version}). Reload and try again.",
                code="stale_version",
            )
        return cleaned


class WorkflowActionField(forms.ChoiceField):
    """Offers only the actions this user may take now, but hands any known action to the
    service, so that a refused one is refused with the service's own words."""

    def valid_value(self, value):
        return value in WORKFLOW


class WorkflowForm(forms.Form):
    action = WorkflowActionField(label="Action")
    comment = forms.CharField(
        label="Comment or reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Required to dismiss, send back or reopen.",
    )
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="For assign: the reviewer who gets the claim.",
    )
    duplicate_of = forms.IntegerField(
        required=False, min_value=1, help_text="For dismiss: the claim number this repeats."
    )
    correction_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="For publishing a reopened claim: the public note on what changed.",
    )
    # The version the form was rendered from; without it the step is not checked for a
    # stale copy (as in the API without If-Match).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, available: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Action.choices)
        self.fields["action"].choices = [(a, labels[a]) for a in available]
        self.fields["assignee"].queryset = assignable_members()


def _bulk_action(step: Step):
    """The admin list action running `step` on each selected claim."""

    def run(modeladmin, request, queryset):
        modeladmin.run_step(request, queryset, step.action)

    run.__name__ = step.bulk_name
    return admin.action(description=step.bulk_label, permissions=["workflow"])(run)


class ClaimAdmin(RefusalAsMessageMixin, BaseClaimAdmin):
    form = ClaimAdminForm
    list_filter = ["status", "assignee", "verdicts__rating", "article__outlet", "origin"]
    readonly_fields = CLAIM_READONLY_FIELDS
    inlines = [EvidenceInline, VerdictInline, TransitionInline]
    # A list action for every step that needs no input, from the workflow table.
    actions = [_bulk_action(step) for step in STEPS if step.bulk_label]

    def has_workflow_permission(self, request) -> bool:
        return any(
            request.user.has_perm(f"reviews.{step.permission}") for step in STEPS if step.bulk_label
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a fresh class per request, so this is not shared
        return form

    def save_model(self, request, obj, form, change):
        edited = {name: form.cleaned_data[name] for name in form.edited_fields()}
        if edited:
            updated = services.update_claim(
                claim_id=obj.pk,
                actor=request.user,
                expected_version=form.cleaned_data["version_seen"],
                **edited,
            )
            obj.version = updated.version

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            labels = dict(Action.choices)
            context["workflow_actions"] = [
                (action, labels[action]) for action in services.available_actions(request.user, obj)
            ]
            context["can_work_on"] = services.can_work_on(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- the workflow form: one page for every action, calling services.perform

    def get_urls(self):
        return [
            path(
                "<path:object_id>/workflow/",
                self.admin_site.admin_view(self.workflow_view),
                name="claims_claim_workflow",
            ),
            *super().get_urls(),
        ]

    def workflow_view(self, request, object_id):
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        change_url = reverse("admin:claims_claim_change", args=[claim.pk])
        available = services.available_actions(request.user, claim)
        if request.method == "POST":
            form = WorkflowForm(request.POST, available=available)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.perform(
                        data["action"],
                        claim_id=claim.pk,
                        actor=request.user,
                        comment=data["comment"],
                        assignee=data["assignee"],
                        correction_note=data["correction_note"],
                        duplicate_of=data["duplicate_of"],
                        expected_version=data["version"],
                    )
                except services.WorkflowError as error:
                    self.message_user(request, error.message, messages.ERROR)
                    claim.refresh_from_db()
                    available = services.available_actions(request.user, claim)
                    form = WorkflowForm(
                        initial={**data, "version": claim.version}, available=available
                    )
                else:
                    label = dict(Action.choices)[data["action"]]
                    self.message_user(request, f"{label}: done.", messages.SUCCESS)
                    return redirect(change_url)
            else:
                for field, errors in form.errors.items():
                    name = form.fields[field].label if field in form.fields else ""
                    for error in errors:
                        self.message_user(
                            request, f"{name}: {error}" if name else error, messages.ERROR
                        )
        else:
            initial = {"action": request.GET.get("action"), "version": claim.version}
            form = WorkflowForm(initial=initial, available=available)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Workflow: claim #{claim.pk}",
            "subtitle": None,
            "opts": self.opts,
            "original": claim,
            "form": form,
            "available": available,
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/claims/claim/workflow.html", context)

    # -- list actions: the steps that need no input

    def run_step(self, request, queryset, action: str) -> None:
        label = dict(Action.choices)[action]
        done = 0
        for claim_id in queryset.values_list("pk", flat=True):
            try:
                services.perform(action, claim_id=claim_id, actor=request.user)
            except services.WorkflowError as error:
                self.message_user(request, f"Claim #{claim_id}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{label}: {done} claim(s).", messages.SUCCESS)


# Reviews extends the claims app's Claim admin from its side.
admin.site.unregister(Claim)
admin.site.register(Claim, ClaimAdmin)
