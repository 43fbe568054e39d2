"""Issue or revoke a user's REST API token.

    manage.py api_token USERNAME            print the user's token (issued if they have none)
    manage.py api_token USERNAME --rotate   replace it with a new one (the old stops working)
    manage.py api_token USERNAME --revoke   delete it

The admin's "Tokens" page (rest_framework.authtoken) does the same by hand.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Issue (print), rotate or revoke a user's REST API token."

    def add_arguments(self, parser):
        parser.add_argument("username")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--revoke", action="store_true", help="delete the user's token")
        action.add_argument("--rotate", action="store_true", help="replace the user's token")

    @transaction.atomic
    def handle(self, *args, username: str, revoke: bool, rotate: bool, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"There is no user {username!r}.") from None
        if revoke:
            deleted, _ = Token.objects.filter(user=user).delete()
            if deleted:
                self.stdout.write(f"Revoked the API token of {username}.")
            else:
                self.stdout.write(f"{username} had no API token.")
            return
        if not user.is_active:
            raise CommandError(f"{username} is inactive: activate the account first.")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
