"""Does a change to extraction keep its sentences and claims? Record them, then compare.

Usage:
    python bench/extraction_same.py record OUT.pickle   # with the code before the change
    python bench/extraction_same.py compare OUT.pickle  # with the code after it

The texts: the seed articles (fixtures/articles), the articles of tests/exchange_inputs,
every string over 15 characters in the gold sets and the test files (and each gold set's
strings joined into one article), the first 3,000 articles of load_bench.py and every
seventh of the rest of its 10,000. For each: the sentence spans and the claims found
(text, span, score, reasons, claimant). `compare` prints how many texts differ and the
sentences and claims of the first ten that do; it times nothing.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def texts() -> dict[str, str]:
    found = {}
    for path in sorted((ROOT / "fixtures" / "articles").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "text" in data:
            found[f"seed:{path.name}"] = data["text"]

    # Reading the exchange inputs (HTML, JSON-LD) needs the settings, not a database.
    os.environ["FACTCHECK_VAR_DIR"] = tempfile.mkdtemp(prefix="extraction-same-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from claims.loading import Source, read_path

    for path in sorted((ROOT / "tests" / "exchange_inputs").iterdir()):
        for at, item in enumerate(read_path(path)):
            if isinstance(item, Source):
                found[f"exchange:{path.name}:{at}"] = item.data.text

    sources = sorted((ROOT / "tests" / "gold").glob("*.py")) + sorted(
        (ROOT / "tests").glob("test_*.py")
    )
    for path in sources:
        strings = [
            node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            if len(node.value) > 15
        ]
        for at, string in enumerate(strings):
            found[f"string:{path.name}:{at}"] = string
        if path.parent.name == "gold":
            paragraphs = (" ".join(strings[at : at + 3]) for at in range(0, len(strings), 3))
            found[f"gold-joined:{path.name}"] = "\n\n".join(paragraphs)

    from load_bench import generate_article

    for i in [*range(3000), *range(3000, 10_000, 7)]:
        found[f"bench:{i}"] = generate_article(i, 30)["text"]
    return found


def extracted(corpus: dict[str, str]) -> dict[str, tuple]:
    from claims.extraction import extract_claims
    from claims.extraction.text import _segments

    return {key: (_segments(text), extract_claims(text)) for key, text in corpus.items()}


def compare(before: tuple[dict, dict], corpus: dict[str, str], after: dict) -> None:
    old_texts, old = before
    keys = [key for key in corpus if old_texts.get(key) == corpus[key]]
    print(f"{len(keys):,} texts in both runs ({len(corpus) - len(keys)} new or changed left out)")
    spans = [key for key in keys if old[key][0] != after[key][0]]
    claims = [key for key in keys if old[key][1] != after[key][1]]
    print(f"texts whose sentences differ: {len(spans)}; whose claims differ: {len(claims)}")
    for key in list(dict.fromkeys(spans + claims))[:10]:
        text = corpus[key]
        was = [text[s:e] for s, e in old[key][0]]
        now = [text[s:e] for s, e in after[key][0]]
        print(f"-- {key}")
        for sentence in was:
            if sentence not in now:
                print(f"   sentence before only: {sentence[:200]}")
        for sentence in now:
            if sentence not in was:
                print(f"   sentence after only:  {sentence[:200]}")
        for claim in old[key][1]:
            if claim not in after[key][1]:
                print(f"   claim before only: {claim}")
        for claim in after[key][1]:
            if claim not in old[key][1]:
                print(f"   claim after only:  {claim}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["record", "compare"])
    parser.add_argument("file", type=Path)
    args = parser.parse_args()

    corpus = texts()
    result = extracted(corpus)
    sentences = sum(len(spans) for spans, _ in result.values())
    claims = sum(len(found) for _, found in result.values())
    print(f"{len(corpus):,} texts, {sentences:,} sentences, {claims:,} claims")
    if args.action == "record":
        with args.file.open("wb") as out:
            pickle.dump((corpus, result), out)
    else:
        with args.file.open("rb") as recorded:
            compare(pickle.load(recorded), corpus, result)  # noqa: S301 (a file this script wrote)


if __name__ == "__main__":
    main()
