"""One-time tokens for the desk's forms: a form is accepted once, however often it is sent.

A token is drawn into each form (`{% once_token "evidence" claim.pk %}`): a nonce signed
with the user, the form's purpose (the form and the object it acts on) and the time. When
the form comes back, `spend` checks the signature and records the nonce; the database's
unique constraint lets exactly one request record it, so a double click on "Add evidence"
adds one record. Reading a page writes nothing.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from factcheck.errors import DomainError
from reviews.desk.models import SpentFormToken

FIELD = "once"
# A form left open longer than this is refused as expired (shown again to resend); spent
# nonces older than it can be deleted, since their tokens no longer verify anyway.
MAX_AGE = timedelta(hours=12)
_SALT = "reviews.desk.once"


class AlreadySent(DomainError):
    http_status = 409
    code = "already_sent"


class TokenRefused(DomainError):
    http_status = 400
    code = "form_expired"


class TokenMissing(TokenRefused):
    code = "form_token_missing"


def issue(*, user, purpose: str) -> str:
    """A fresh token for one form of `purpose` drawn for `user`."""
    nonce = secrets.token_hex(16)
    return signing.TimestampSigner(salt=_SALT).sign_object({"n": nonce, "p": purpose, "u": user.pk})


def spend(token: str | None, *, user, purpose: str) -> None:
    """Accept the form once: raises TokenMissing for a post without a token,
    TokenRefused for a forged, foreign or expired one and AlreadySent when the same form
    was accepted before.

    Every form the desk draws carries a token, so a post without one did not come from a
    page of the desk (a script, a stale page from before tokens): it is refused, not taken
    as sent once, or a double click could still act twice through it."""
    if not token:
        raise TokenMissing(
            "This form came without its one-time token, so nothing was changed; "
            "reload the page and send it again."
        )
    try:
        data = signing.TimestampSigner(salt=_SALT).unsign_object(token, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise TokenRefused("The form was open too long and has expired.") from None
    except signing.BadSignature:
        raise TokenRefused("The form's one-time token is not valid; reload the page.") from None
    if data.get("u") != user.pk or data.get("p") != purpose:
        raise TokenRefused("The form's one-time token belongs to another form.")
    try:
        with transaction.atomic():
            SpentFormToken.objects.create(nonce=data["n"], purpose=purpose, user_id=user.pk)
    except IntegrityError:
        raise AlreadySent("This form was already sent; it was not sent again.") from None


def forget_expired() -> int:
    """Delete spent nonces whose tokens can no longer verify; how many went."""
    deleted, _ = SpentFormToken.objects.filter(spent_at__lt=timezone.now() - MAX_AGE).delete()
    return deleted
