"""Claim matching on the gold set (tests/gold/claim_matching.py): text in other outlets'
styles, loaded through intake like any article, linked by the background task.

Prints recall, precision and conflict agreement for each split apart: the first set's
tuned half ("tune") and held-out half ("held"), the second held-out set ("fresh",
tests/gold/claim_matching_fresh.py, written before the scorer was fixed), the fourth
("dev", tests/gold/claim_matching_dev.py, written before the scorer's next change and
measured once on the unchanged scorer), and the third ("blind",
tests/gold/claim_matching_blind.py, written without reading the scorer and before its
next change). Asserts floors on tune, held, fresh and dev, and on the conflicts of "all"
(tune + held + fresh + dev). The blind split is evaluated, printed and not asserted, and
its misses are not listed, so that it cannot be tuned to: it says how the matcher does on
text nobody shaped around it."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Q

from claims.loading import CuratedClaim, Source, load_article
from claims.models import Claim, SimilarClaim
from claims.services import ArticleInput
from tests.gold.claim_matching import ITEMS as FIRST
from tests.gold.claim_matching_blind import ITEMS as BLIND
from tests.gold.claim_matching_dev import ITEMS as DEV
from tests.gold.claim_matching_fresh import ITEMS as FRESH

ITEMS = FIRST + FRESH + DEV + BLIND
# The splits the floors are asserted on ("all"); "blind" is printed apart, never asserted.
ASSERTED = ("tune", "held", "fresh", "dev")
SPLITS = (*ASSERTED, "blind", "all")

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "articles"


@pytest.fixture(autouse=True)
def tasks_run_in_process(monkeypatch):
    from factcheck.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _seed_ids() -> dict[str, int]:
    texts = []
    for path in sorted(SEEDS.glob("*.claims.json")):
        texts += [c["text"] for c in json.loads(path.read_text())]
    ids = {}
    for text in texts:
        ids[text] = Claim.objects.get(text=text).pk
    return ids


def _evaluate(django_capture_on_commit_callbacks) -> dict:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_articles", str(SEEDS), stdout=io.StringIO())
    seeds = _seed_ids()

    def seed(fragment: str) -> int:
        (found,) = [pk for text, pk in seeds.items() if fragment in text]
        return found

    loaded = []
    for n, (kind, fragment, text, _style, outlet, published, conflict, split, also) in enumerate(
        ITEMS
    ):
        url = f"https://{outlet.lower().replace(' ', '-')}.example/{n}"
        with django_capture_on_commit_callbacks(execute=True):
            result = load_article(
                Source(
                    where=url,
                    data=ArticleInput(
                        text=f"Report {n}\n\n{text}\n",
                        title=f"Report {n}",
                        url=url,
                        outlet=outlet,
                        published=date.fromisoformat(published),
                    ),
                    curated=(CuratedClaim(text=text),),
                )
            )
        (claim,) = result.article.claims.all()
        loaded.append((claim, kind, seed(fragment), {seed(a) for a in also}, conflict, split))

    seed_ids = set(seeds.values())
    figures = {}
    for split in SPLITS:
        tp = fp = found = total = conflicts_right = conflicts_total = 0
        wrong = []
        for claim, kind, main, also, conflict, item_split in loaded:
            if item_split != split and not (split == "all" and item_split in ASSERTED):
                continue
            links = {
                (link.to_claim_id if link.from_claim_id == claim.pk else link.from_claim_id): link
                for link in SimilarClaim.objects.filter(Q(from_claim=claim) | Q(to_claim=claim))
            }
            to_seeds = {pk: link for pk, link in links.items() if pk in seed_ids}
            if kind == "same":
                total += 1
                if main in to_seeds:
                    found += 1
                    conflicts_total += 1
                    if to_seeds[main].conflicting == conflict:
                        conflicts_right += 1
                    else:
                        wrong.append(
                            f"conflict {conflict}: {claim.text!r} "
                            f"[{to_seeds[main].conflict_detail}]"
                        )
                else:
                    wrong.append(f"missed: {claim.text!r}")
            for pk, link in to_seeds.items():
                if kind == "same" and pk == main:
                    tp += 1
                elif kind == "same" and pk in also:
                    continue
                else:
                    fp += 1
                    wrong.append(f"false link ({kind}, {link.score}): {claim.text!r}")
        figures[split] = {
            "recall": found / total,
            "precision": tp / max(tp + fp, 1),
            "conflicts": f"{conflicts_right}/{conflicts_total}",
            "restatements": total,
            "wrong": wrong,
        }
    return figures


def test_gold_set_links_restatements_and_not_near_misses(django_capture_on_commit_callbacks):
    figures = _evaluate(django_capture_on_commit_callbacks)
    for split in SPLITS:
        f = figures[split]
        name = "all (tune + held + fresh + dev)" if split == "all" else split
        print(
            f"\ngold {name}: recall {f['recall']:.3f} precision {f['precision']:.3f} "
            f"conflicts right {f['conflicts']} ({f['restatements']} restatements)"
        )
    for line in figures["all"]["wrong"]:
        print("  ", line)
    # The target is 0.9 for both. all-MiniLM-L6-v2 with the aliases, the figure
    # adjustment, one link per other article and the threshold chosen on the tuned half
    # reaches the figures printed above (see README, "Claim matching"): precision over
    # 0.9 on held-out text but for held, recall under it but for tune and held.
    # These floors, a little under what each split reaches (tune 0.966 / 0.966, held
    # 0.917 / 0.880, fresh 0.786 / 0.957, dev 0.825 / 0.971), keep it from getting
    # worse. The blind split is not in "all" and not asserted: it lowers the conflict
    # agreement (the check below) and a floor on it would invite tuning to it.
    floors = {
        "tune": (0.93, 0.93),
        "held": (0.87, 0.85),
        "fresh": (0.75, 0.92),
        "dev": (0.79, 0.94),
    }
    for split, (recall, precision) in floors.items():
        assert figures[split]["recall"] >= recall, split
        assert figures[split]["precision"] >= precision, split
    right, linked = map(int, figures["all"]["conflicts"].split("/"))
    assert linked >= 100
    assert right >= linked - 1
