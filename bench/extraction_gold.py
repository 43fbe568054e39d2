"""Score the claim extractor against the curated seed claims.

Usage: python bench/extraction_gold.py [--threshold 0.4]

Prints, per seed article and overall, the gold count, extracted count, matches,
recall and precision (a match is a span overlap of at least half the shorter
span, one-to-one; see claims.extraction.evaluate).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.extraction import DEFAULT_THRESHOLD, evaluate, extract_claims, find_occurrence  # noqa: E402

ARTICLES = ROOT / "fixtures" / "articles"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()

    totals = {"gold": 0, "found": 0, "matched": 0}
    row = "{:<48} {:>5} {:>6} {:>8} {:>7} {:>10}"
    print(row.format("article", "gold", "found", "matched", "recall", "precision"))
    for gold_file in sorted(ARTICLES.glob("*.claims.json")):
        name = gold_file.name.removesuffix(".claims.json")
        text = json.loads((ARTICLES / f"{name}.json").read_text(encoding="utf-8"))["text"]
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        gold_spans = [find_occurrence(text, g["text"], g.get("occurrence", 1)) for g in gold]
        found = extract_claims(text, threshold=args.threshold)
        result = evaluate(gold_spans, [(c.start, c.end) for c in found])
        for key in totals:
            totals[key] += result[key]
        print(
            row.format(
                name[:48],
                result["gold"],
                result["found"],
                result["matched"],
                f"{result['recall']:.3f}",
                f"{result['precision']:.3f}",
            )
        )
    recall = totals["matched"] / totals["gold"] if totals["gold"] else 1.0
    precision = totals["matched"] / totals["found"] if totals["found"] else 1.0
    print(
        row.format(
            "overall",
            totals["gold"],
            totals["found"],
            totals["matched"],
            f"{recall:.3f}",
            f"{precision:.3f}",
        )
    )


if __name__ == "__main__":
    main()
