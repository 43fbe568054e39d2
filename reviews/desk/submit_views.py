"""The public form where a reader asks the desk to check a claim (claims.submissions)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from claims.services import ClaimsError
from claims.submissions import (
    MAX_TEXT,
    SubmissionRefused,
    TooManySubmissions,
    start_token,
    submit_claim,
)
from factcheck.ratelimit import client_ip
from reviews.desk.forms import DeskForm


class SubmitClaimForm(DeskForm):
    text = forms.CharField(
        label="The claim",
        max_length=MAX_TEXT + 500,  # the service says how long, in its words
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was said, as close to the words used as you can.",
    )
    source_url = forms.CharField(
        label="Where you saw it",
        max_length=2100,
        help_text="The address (url) of the page, post or video.",
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    email = forms.CharField(
        label="Your email (optional)",
        required=False,
        max_length=300,
        help_text="Only to tell you once, when our fact check of it is published.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # The honeypot: hidden from people (a visually hidden field, out of the tab order and
    # of the accessibility tree), filled by bots that fill every field.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)


def _render(request, form, *, problem: str = "", status: int = 200) -> HttpResponse:
    # A fresh start time each time the form is drawn: shown again after a refusal, it
    # counts from now.
    form.data = form.data.copy() if form.is_bound else form.data
    if form.is_bound:
        form.data["started"] = start_token()
    else:
        form.initial["started"] = start_token()
    return render(
        request, "reviews/public_submit.html", {"form": form, "problem": problem}, status=status
    )


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Anyone asks the desk to check a claim."""
    if request.method == "GET":
        return _render(request, SubmitClaimForm())
    form = SubmitClaimForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    data = form.cleaned_data
    try:
        submit_claim(
            text=data["text"],
            source_url=data["source_url"],
            email=data["email"],
            honeypot=data["website"],
            started=data["started"],
            client_address=client_ip(request) or "unknown",
        )
    except (SubmissionRefused, TooManySubmissions) as error:
        return _render(request, form, problem=error.message, status=error.http_status)
    except ClaimsError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        return _render(request, form, problem=error.message, status=error.http_status)
    return redirect("submit-claim-thanks")


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/public_submit_thanks.html")
