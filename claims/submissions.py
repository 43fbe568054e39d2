"""Readers ask the desk to check a claim: a public form and an API endpoint, guarded
against bots without a third-party service, landing as a `new` claim with its source url
in the editors' triage list.

Why a claim at once, not a submission an editor promotes: a claim without an article is
already a kind the tracker holds (a source url instead of a span, origin `submitted`), and
the desk's triage is where such work is sorted: the queue, its filters, bulk dismiss with
one reason. A separate inbox of submissions would be a second triage list with none of
that. What a claim must not carry, the submitter's address, is kept apart in
ReaderSubmission, which only the mail on publication reads.

The guards, each refused with its own message: a honeypot field people never see (a bot
fills it), a signed start time (a form sent sooner than FACTCHECK_SUBMIT_MIN_SECONDS after
it was drawn is a script), and a per-address limit in the cache (FACTCHECK_SUBMIT_LIMIT
submissions per FACTCHECK_SUBMIT_WINDOW seconds).
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from claims.models import Claim, ReaderSubmission
from claims.services import ClaimsError, check_line, create_submitted_claim
from factcheck.errors import DomainError

_SALT = "claims.submissions.started"
# A claim is a sentence or two: longer than this is an article, for the desk's intake.
MAX_TEXT = 1000
# A form left open longer than this is refused as expired (drawn again on the page).
MAX_AGE_SECONDS = 24 * 3600


class SubmissionRefused(DomainError):
    """A submission the guards refuse (400), with what the sender can do about it."""

    code = "submission_refused"


class TooManySubmissions(DomainError):
    http_status = 429
    code = "too_many_submissions"


def start_token(*, now: float | None = None) -> str:
    """The signed time a submission form was drawn (the form carries it back)."""
    return signing.TimestampSigner(salt=_SALT).sign_object({"t": now or time.time()})


def check_human(*, honeypot: str, started: str) -> None:
    """Refuse what a bot sends: the hidden field filled, or the form sent back at once."""
    if honeypot.strip():
        raise SubmissionRefused(
            "The form was filled in a way people do not fill it (a hidden field has a "
            "value); nothing was sent.",
            field="website",
        )
    try:
        data = signing.TimestampSigner(salt=_SALT).unsign_object(
            started or "", max_age=MAX_AGE_SECONDS
        )
        age = time.time() - float(data["t"])
    except signing.SignatureExpired:
        raise SubmissionRefused(
            "The form was open too long; please send it again.", field="started"
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise SubmissionRefused(
            "The form's start time is missing or not ours; reload the page and send it again.",
            field="started",
        ) from None
    if age < settings.FACTCHECK_SUBMIT_MIN_SECONDS:
        raise SubmissionRefused(
            f"The form was sent {max(age, 0):.1f} seconds after it was opened: faster than a "
            f"person types. Please take a moment ({settings.FACTCHECK_SUBMIT_MIN_SECONDS:g} s "
            "or more) and send it again.",
            field="started",
        )


def _rate_key(address: str) -> str:
    # The address itself is not kept, only a keyed digest of it, for the window's length.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"reader-submit:{digest}"


def _count_against_limit(address: str) -> None:
    key = _rate_key(address)
    window = settings.FACTCHECK_SUBMIT_WINDOW
    # add() starts the window; incr() counts in it (atomic on Redis and locmem).
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            count = 1
    if count > settings.FACTCHECK_SUBMIT_LIMIT:
        minutes = max(1, round(window / 60))
        raise TooManySubmissions(
            f"Thank you, but that is more than {settings.FACTCHECK_SUBMIT_LIMIT} claims from "
            f"one address in {minutes} minutes: please send the rest later."
        )


def submit_claim(
    *,
    text: str,
    source_url: str,
    email: str = "",
    honeypot: str = "",
    started: str = "",
    client_address: str,
) -> Claim:
    """A reader's claim, past the guards: a `new` claim sourced to where they saw it, and
    their address (if they left one) kept apart for one mail when its verdict is out."""
    check_human(honeypot=honeypot, started=started)
    text = (text or "").strip()
    if not text:
        raise ClaimsError("Write the claim you want checked.", field="text")
    if "\x00" in text:
        raise ClaimsError("The claim contains NUL characters.", field="text")
    if len(text) > MAX_TEXT:
        raise ClaimsError(
            f"The claim is {len(text):,} characters: at most {MAX_TEXT:,}, a sentence or two.",
            field="text",
        )
    if not (source_url or "").strip():
        raise ClaimsError("Say where you saw it: the page's address (url).", field="source_url")
    source_url = check_line(source_url, field="source_url", limit=2000, label="address")
    email = check_line(email or "", field="email", limit=254, label="email address")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ClaimsError(f"{email!r} is not an email address.", field="email") from None
    # Counted only for a submission that would be stored: a typo does not use up the limit.
    _count_against_limit(client_address)
    with transaction.atomic():
        try:
            claim = create_submitted_claim(text=text, source_url=source_url)
        except ClaimsError as error:
            if error.field == "url":
                raise ClaimsError(error.message, field="source_url") from None
            raise
        ReaderSubmission.objects.create(claim=claim, email=email)
    return claim
