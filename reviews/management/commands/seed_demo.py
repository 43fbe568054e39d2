"""manage.py seed_demo: the rating scale, demo accounts and worked examples for `make run`."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from reviews.models import Rating

DEMO_ACCOUNTS = [("editor", "Editor"), ("reviewer", "Reviewer")]


class Command(BaseCommand):
    help = (
        "Load the default rating scale if there is none, and on the embedded default "
        "(SQLite, DEBUG on) create the demo accounts, printing their passwords once."
    )

    def handle(self, *args, **options):
        if not Rating.objects.exists():
            call_command("loaddata", settings.BASE_DIR / "fixtures" / "ratings.json", verbosity=0)
            self.stdout.write("Loaded the default rating scale.")
        if settings.USING_POSTGRES or not settings.DEBUG:
            self.stdout.write("Not the embedded default: no demo accounts created.")
            return
        User = get_user_model()
        for username, group in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(
                    f"Demo account {username!r} exists (password unchanged; "
                    f"`manage.py changepassword {username}` sets a new one)."
                )
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username=username,
                password=password,
                email=f"{username}@example.org",
                is_staff=True,
            )
            user.groups.add(Group.objects.get(name=group))
            self.stdout.write(self.style.SUCCESS(f"Demo {group.lower()}: {username} / {password}"))
