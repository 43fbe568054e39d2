"""`manage.py seed_demo` after `load_articles fixtures/articles`, as `make run` does: the
worked examples end where they should, through the services, and a second run adds
nothing. Seeding never fetches evidence pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from claims.models import Claim
from reviews import services
from reviews.models import Evidence, Transition, Verdict

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = json.loads((ROOT / "fixtures" / "worked_examples.json").read_text())["examples"]


@pytest.fixture(autouse=True)
def _embedded_default(settings):
    # The demo accounts and examples exist only on the embedded default; the suite also
    # runs on PostgreSQL, where the command would (rightly) skip them.
    settings.DEBUG = True
    settings.USING_POSTGRES = False


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    # As on the embedded default, where `make run` seeds: tasks run in this process, so a
    # queued archive would fetch right here (and be seen by `fetched`).
    from factcheck.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture(autouse=True)
def fetched(monkeypatch):
    """The outside world: every page fetch is recorded (and fails, as offline)."""
    urls: list[str] = []

    def fetch(url):
        urls.append(url)
        raise OSError("no network here")

    monkeypatch.setattr("reviews.tasks.fetch", fetch)
    return urls


def seed(capsys=None) -> str:
    call_command("seed_demo")
    return capsys.readouterr().out if capsys else ""


def counts() -> dict:
    return {
        "transitions": Transition.objects.count(),
        "evidence": Evidence.objects.count(),
        "verdicts": Verdict.objects.count(),
        "claim_history": Claim.history.count(),
        "versions": sorted(Claim.objects.values_list("pk", "version")),
    }


def claim_of(name: str) -> Claim:
    example = next(e for e in EXAMPLES if e["name"] == name)
    return Claim.objects.get(article__title=example["article_title"], text=example["claim_text"])


def test_worked_examples_end_in_their_states_and_a_second_run_adds_nothing(
    capsys, django_capture_on_commit_callbacks, fetched, mailoutbox
):
    call_command("load_articles", str(ROOT / "fixtures" / "articles"), verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        out = seed(capsys)
    assert "Worked examples: 4 played" in out
    assert fetched == []  # no evidence page was fetched at seed time
    # The examples' steps that ask the reviewer to act mailed them, after commit (the
    # default mail settings): the assignment, and each send-back or correction.
    assert {tuple(m.to) for m in mailoutbox} == {("reviewer@example.org",)}
    subjects = [m.subject.split(" ", 3)[-1] for m in mailoutbox]
    assert "is assigned to you" in subjects, subjects
    first = counts()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        out = seed(capsys)
    assert "Worked examples: 0 played, 4 already there" in out
    assert counts() == first
    assert callbacks == []

    User = get_user_model()
    reviewer, editor = User.objects.get(username="reviewer"), User.objects.get(username="editor")
    worked = set()
    for example in EXAMPLES:
        claim = claim_of(example["name"])
        worked.add(claim.pk)
        assert claim.status == example["ends"], example["name"]
        assert claim.evidence.count() >= 2
        assert claim.evidence.filter(archived_at__isnull=False).count() == 0
        assert set(claim.evidence.values_list("added_by", flat=True)) == {reviewer.pk}
        verdicts = list(claim.verdicts.order_by("id"))
        assert verdicts and all(len(v.rationale) > 200 for v in verdicts)
        # Every step went through the services: one transition per workflow step.
        workflow_steps = [s for s in example["steps"] if s["do"] in Transition.Action.values]
        assert claim.transitions.count() == len(workflow_steps)
        assert claim.version == 1 + len(workflow_steps)

    corrected = claim_of("35 countries abstained")
    old, new = corrected.verdicts.order_by("id")
    assert (old.state, new.state) == (Verdict.State.SUPERSEDED, Verdict.State.APPROVED)
    assert new.supersedes == old and new.correction_note
    assert (old.rating.slug, new.rating.slug) == ("true", "mostly-true")

    sent_back = claim_of("Moscow visit 'just days after the invasion began'")
    assert list(sent_back.transitions.values_list("action", flat=True)) == [
        "take",
        "propose",
        "send_back",
        "propose",
        "publish",
    ]
    assert sent_back.verdicts.get().rating.slug == "false"

    waiting = claim_of("Letter from '22 foreign heads of state'")
    proposal = waiting.verdicts.get()
    assert (proposal.state, proposal.proposed_by) == (Verdict.State.PROPOSED, reviewer)
    # What a new user can try: the editor may publish it; the reviewer may not.
    assert "publish" in services.available_actions(editor, waiting)
    assert "publish" not in services.available_actions(reviewer, waiting)

    untouched = Claim.objects.exclude(pk__in=worked)
    assert untouched.exists()
    assert set(untouched.values_list("status", flat=True)) == {Claim.Status.NEW}
    assert not Transition.objects.filter(claim__in=untouched).exists()


def test_seed_demo_before_the_articles_are_loaded_says_so(capsys):
    out = seed(capsys)
    assert "Worked examples: 0 played, 4 already there or not loaded." in out
    assert "load_articles" in out
    assert not Transition.objects.exists()


def test_a_broken_examples_file_is_one_line_naming_it(tmp_path):
    bad = tmp_path / "examples.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match=r"examples\.json: cannot read the worked examples"):
        call_command("seed_demo", examples=str(bad))


def test_a_step_the_workflow_refuses_is_named_and_nothing_of_its_example_stays(tmp_path):
    call_command("load_articles", str(ROOT / "fixtures" / "articles"), verbosity=0)
    example = dict(EXAMPLES[2])
    # The reviewer may not publish: the example must stop there, with nothing half-done.
    example["steps"] = [*example["steps"][:-1], {"as": "reviewer", "do": "publish"}]
    path = tmp_path / "examples.json"
    path.write_text(json.dumps({"examples": [example]}))
    with pytest.raises(CommandError, match="step 6: refused: Only an editor can publish"):
        call_command("seed_demo", examples=str(path))
    claim = claim_of(example["name"])
    assert claim.status == Claim.Status.NEW
    assert not claim.transitions.exists()
    assert not claim.evidence.exists()


def test_archiving_the_examples_evidence_is_opt_in(
    django_capture_on_commit_callbacks, fetched, tmp_path
):
    call_command("load_articles", str(ROOT / "fixtures" / "articles"), verbosity=0)
    path = tmp_path / "examples.json"
    path.write_text(json.dumps({"examples": [EXAMPLES[2]]}))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", examples=str(path), archive=True)
    # Offline, the fetches fail; they are logged and the example is still played.
    evidence_urls = [s["evidence"]["url"] for s in EXAMPLES[2]["steps"] if "evidence" in s]
    assert set(fetched) == set(evidence_urls)
    assert claim_of(EXAMPLES[2]["name"]).status == Claim.Status.PUBLISHED
