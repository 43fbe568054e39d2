"""Forms of the desk's pages. They parse and label input; the rules live in reviews.services,
which the views call with the cleaned values."""

from __future__ import annotations

from django import forms

from reviews.models import Evidence, Rating
from reviews.selectors import assignable_members
from reviews.workflow import STEPS


class DeskForm(forms.Form):
    def __init__(self, *args, **kwargs):
        # Labels read "Title", not "Title:".
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ClaimWorkForm(DeskForm):
    """A form on the claim page. `version` is the claim version the user saw: when the
    service refuses and the claim has moved on since, the page can say why."""

    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class SearchForm(DeskForm):
    q = forms.CharField(
        label="Search claims and their articles",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. Moscow, 20 years"}),
    )


class EvidenceForm(ClaimWorkForm):
    url = forms.URLField(label="Source URL", max_length=2000, assume_scheme="https")
    title = forms.CharField(label="Title", max_length=500)
    publisher = forms.CharField(label="Publisher", max_length=200, required=False)
    quote = forms.CharField(
        label="Quoted passage",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The words in the source that bear on the claim.",
    )
    kind = forms.ChoiceField(
        label="Kind of source", choices=Evidence.Kind.choices, initial=Evidence.Kind.OTHER
    )
    stance = forms.ChoiceField(
        label="Stance", choices=Evidence.Stance.choices, initial=Evidence.Stance.CONTEXT
    )


class EvidenceEditForm(EvidenceForm):
    """An evidence record's correction, drawn once per record on the claim page (each with
    its own prefix): its labels say which form a field belongs to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                field.label = f"Corrected {field.label[0].lower()}{field.label[1:]}"
        self.fields["url"].label = "Corrected source URL"


class VerdictForm(ClaimWorkForm):
    rating = forms.ModelChoiceField(
        label="Rating", queryset=Rating.objects.all(), empty_label="Choose a rating"
    )
    summary = forms.CharField(
        label="Summary",
        max_length=300,
        help_text="The public one-line verdict (at most 300 characters).",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
    )
    rationale = forms.CharField(
        label="Rationale",
        help_text="The method: how a reader can repeat the check.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    correction_note = forms.CharField(
        label="Correction note",
        required=False,
        help_text=(
            "What changed, shown to readers with the corrected verdict. Written here, the "
            "editor who publishes it is not asked again."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionForm(DeskForm):
    """One workflow button: the action, the version the user saw, and what it may need."""

    action = forms.ChoiceField(
        choices=[(step.action, step.label) for step in STEPS], widget=forms.HiddenInput
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea({"rows": 2}))
    assignee = forms.ModelChoiceField(
        label="Assign to",
        queryset=assignable_members(),
        required=False,
        empty_label="Choose a person",
    )
    correction_note = forms.CharField(
        label="Correction note", required=False, widget=forms.Textarea({"rows": 2})
    )
    duplicate_of = forms.IntegerField(label="Duplicate of claim #", required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh queryset per form, not the one evaluated at import time.
        self.fields["assignee"].queryset = assignable_members()


class ClaimEditForm(ClaimWorkForm):
    """A correction of the claim itself: its words, its span in the article, who said it
    and when. The view passes on only what differs from the claim as stored."""

    text = forms.CharField(
        label="Claim text",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a claim from an article, the article's own words: the span follows them.",
    )
    span_start = forms.IntegerField(label="Span start", min_value=0, required=False)
    span_end = forms.IntegerField(
        label="Span end",
        min_value=1,
        required=False,
        help_text="Character offsets in the article's text; change them to take other words.",
    )
    claimant = forms.CharField(
        label="Claimant",
        max_length=200,
        required=False,
        help_text="Who made the claim (a person's name); empty when not known.",
    )
    claim_date = forms.DateField(
        label="Date of the claim",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
