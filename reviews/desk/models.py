"""What the desk's pages keep of their own: the one-time tokens of their forms."""

from __future__ import annotations

from django.db import models


class SpentFormToken(models.Model):
    """A desk form's one-time token, recorded when the form is accepted.

    Tokens are signed, not stored, when a form is drawn (reviews.desk.once), so reading a
    page writes nothing; the unique nonce makes the second of two posts of one form (a
    double click, a resent request) fail to insert, whichever arrives first."""

    nonce = models.CharField(max_length=32, unique=True)
    purpose = models.CharField(max_length=100)
    user_id = models.BigIntegerField()
    spent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "spent form token"

    def __str__(self) -> str:
        return f"{self.purpose} ({self.nonce[:8]}…)"
