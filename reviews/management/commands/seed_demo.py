"""manage.py seed_demo: the rating scale, demo accounts and worked examples for `make run`."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims.models import Claim
from reviews import services
from reviews.models import Rating, RatingMapping

DEMO_ACCOUNTS = [("editor", "Editor"), ("reviewer", "Reviewer")]
WORKED_EXAMPLES = Path(settings.BASE_DIR) / "fixtures" / "worked_examples.json"


class ExampleError(Exception):
    """A worked example that cannot be played: names the example, the step and why."""


class Command(BaseCommand):
    help = (
        "Load the default rating scale if there is none, and on the embedded default "
        "(SQLite, DEBUG on) create the demo accounts, printing their passwords once, and "
        "carry the worked examples in fixtures/worked_examples.json through the review "
        "workflow. Idempotent: an example whose claim has been worked on is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--examples",
            default=str(WORKED_EXAMPLES),
            help="the worked examples file (default: fixtures/worked_examples.json)",
        )
        parser.add_argument(
            "--archive",
            action="store_true",
            help="queue archiving of the examples' evidence pages (off by default: seeding "
            "must work on a machine without internet, and in-process tasks would fetch now)",
        )

    def handle(self, *args, examples: str, archive: bool, **options):
        if not Rating.objects.exists():
            call_command("loaddata", settings.BASE_DIR / "fixtures" / "ratings.json", verbosity=0)
            self.stdout.write("Loaded the default rating scale.")
        if (
            not RatingMapping.objects.exists()
            and Rating.objects.filter(pk__in=range(1, 8)).count() == 7
        ):
            # How other publishers' ratings read on the default scale (edited in the admin).
            fixture = settings.BASE_DIR / "fixtures" / "rating_mappings.json"
            call_command("loaddata", fixture, verbosity=0)
            self.stdout.write("Loaded the default mapping of other publishers' ratings.")
        if settings.USING_POSTGRES or not settings.DEBUG:
            self.stdout.write("Not the embedded default: no demo accounts or worked examples.")
            return
        self.create_demo_accounts()
        self.play_worked_examples(Path(examples), archive=archive)

    def create_demo_accounts(self) -> None:
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

    # -- worked examples ----------------------------------------------------------------

    def play_worked_examples(self, path: Path, *, archive: bool) -> None:
        try:
            examples = json.loads(path.read_text(encoding="utf-8"))["examples"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"{path}: cannot read the worked examples ({error})") from None
        users = {
            u.username: u
            for u in get_user_model().objects.filter(username__in=["reviewer", "editor"])
        }
        ratings = {r.slug: r for r in Rating.objects.all()}
        played = skipped = 0
        for number, example in enumerate(examples, 1):
            name = example.get("name", f"example {number}")
            claim = Claim.objects.filter(
                article__title=example.get("article_title"), text=example.get("claim_text")
            ).first()
            if claim is None:
                self.stdout.write(
                    f"Worked example {name!r}: its claim is not loaded yet "
                    "(run `manage.py load_articles fixtures/articles` first); skipped."
                )
                skipped += 1
                continue
            if claim.transitions.exists():
                skipped += 1  # worked on already (by an earlier run, or by a person)
                continue
            try:
                # One example, one transaction: a step that fails leaves no half-played
                # example behind (the services' own transactions nest inside it).
                with transaction.atomic():
                    for step_number, step in enumerate(example["steps"], 1):
                        self.play_step(
                            claim,
                            step,
                            users,
                            ratings,
                            archive=archive,
                            where=(f"{path}: {name!r}, step {step_number}"),
                        )
            except ExampleError as error:
                raise CommandError(str(error)) from None
            claim.refresh_from_db()
            self.stdout.write(f"Worked example {name!r}: claim #{claim.pk} is {claim.status}.")
            played += 1
        self.stdout.write(
            f"Worked examples: {played} played, {skipped} already there or not loaded."
        )

    def play_step(self, claim, step, users, ratings, *, archive: bool, where: str) -> None:
        try:
            actor = users[step["as"]]
            action = step["do"]
            if action == "add_evidence":
                services.add_evidence(
                    claim_id=claim.pk, actor=actor, archive=archive, **step["evidence"]
                )
            elif action == "save_verdict":
                verdict = dict(step["verdict"])
                rating = ratings[verdict.pop("rating")]
                services.save_verdict_draft(
                    claim_id=claim.pk, actor=actor, rating=rating, **verdict
                )
            else:
                services.perform(
                    action,
                    claim_id=claim.pk,
                    actor=actor,
                    comment=step.get("comment", ""),
                    assignee=users.get(step.get("assignee", "")),
                    correction_note=step.get("correction_note", ""),
                )
        except KeyError as error:
            raise ExampleError(f"{where}: unknown or missing {error}") from None
        except TypeError as error:
            raise ExampleError(f"{where}: {error}") from None
        except services.WorkflowError as error:
            raise ExampleError(f"{where}: refused: {error.message}") from None
