"""Bulk triage from a claim list: take, assign, dismiss (one reason for all) or restore the
selected claims.

Each claim goes through reviews.services.perform on its own, in its own transaction: one
claim refused (someone took it first, it was published meanwhile) neither stops nor
undoes the others, and the page is told, claim by claim, which went through and why the
others did not. The actions and what each needs are read from the workflow table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.models import AbstractBaseUser

from reviews import services
from reviews.selectors import assignable_members
from reviews.services.common import has_perm
from reviews.workflow import WORKFLOW, Action, Step

# The triage steps a list offers; the rest (propose, publish...) want a claim page.
BULK_ACTIONS = (Action.TAKE, Action.ASSIGN, Action.DISMISS, Action.RESTORE)
# A page holds at most 100 rows; more ids than that did not come from one.
MAX_SELECTED = 100


def bulk_steps(user: AbstractBaseUser) -> list[Step]:
    """The triage steps this user's role allows at all (each claim is still checked)."""
    return [WORKFLOW[a] for a in BULK_ACTIONS if has_perm(user, WORKFLOW[a].permission)]


class BulkForm(forms.Form):
    action = forms.ChoiceField(label="With the selected claims")
    claim = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Claims",
        error_messages={
            "required": "Select at least one claim.",
            "invalid_choice": "%(value)s is not a claim number.",
        },
    )
    assignee = forms.ModelChoiceField(
        label="Assign to",
        queryset=assignable_members().none(),
        required=False,
        empty_label="Choose a person",
    )
    comment = forms.CharField(
        label="Reason or note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.steps = bulk_steps(user)
        self.fields["action"].choices = [("", "Choose an action")] + [
            (s.action, s.label) for s in self.steps
        ]
        self.fields["assignee"].queryset = assignable_members()
        # Any id is a valid choice here: which claims exist and may be touched is the
        # service's question, answered per claim.
        self.fields["claim"].valid_value = lambda value: True

    def clean_claim(self):
        ids = list(dict.fromkeys(self.cleaned_data["claim"]))
        if not ids:
            raise forms.ValidationError("Select at least one claim.")
        if len(ids) > MAX_SELECTED:
            raise forms.ValidationError(f"Select at most {MAX_SELECTED} claims at a time.")
        if any(i < 1 for i in ids):
            raise forms.ValidationError("Claim numbers are positive.")
        return ids

    def clean(self):
        cleaned = super().clean()
        step = WORKFLOW.get(cleaned.get("action", ""))
        if step is None:
            return cleaned
        if "assignee" in step.required_inputs and not cleaned.get("assignee"):
            self.add_error("assignee", "Choose who to assign the claims to.")
        if step.comment_required and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", f"{step.comment_required} is required.")
        return cleaned


@dataclass
class BulkResult:
    step: Step
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def run_bulk(
    *,
    action: str,
    claim_ids: list[int],
    actor: AbstractBaseUser,
    comment: str = "",
    assignee: AbstractBaseUser | None = None,
) -> BulkResult:
    """The action on each claim in turn, each through the workflow service on its own."""
    result = BulkResult(step=WORKFLOW[action])
    for claim_id in claim_ids:
        try:
            services.perform(
                action, claim_id=claim_id, actor=actor, comment=comment, assignee=assignee
            )
        except services.WorkflowError as error:
            result.refused.append((claim_id, error.message))
        else:
            result.done.append(claim_id)
    return result
