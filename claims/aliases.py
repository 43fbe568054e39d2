"""Canonical forms of the names and titles outlets vary, applied before claims are compared.

News copy calls a government by its capital or its seat ("Islamabad wants...", "the
Kremlin's partner") and an office by several titles ("the premier", "head of
government"); the sentence model scores such a restatement well below the one that
names the country and the office. `canonical` rewrites them to one form before a claim
is embedded (claims.embedding.embed) and before its content words are taken
(claims.similarity.features), so both sides of a pair meet on the same words:

- capitals -> their country: `data/capitals.tsv`, the `countryinfo` package's table
  (written by `data/make_capitals.py`), with the spellings, exceptions and rules of
  `data/aliases.toml`: only capitals of places of at least `min_population`, none shared
  by two countries, none of `not_metonyms`; a capital is left alone inside a hyphenated
  word ("Moscow-based"), after a capitalised word ("George Washington") and before a
  capitalised word or a word of `not_before` ("the Washington Post", "the Minsk
  agreements"), where it names a thing, not the government;
- seats of government -> their country ("the Kremlin" -> "Russia"), as written;
- titles -> one title ("the premier" -> "the prime minister"), in any case; an all-capital
  one ("PM") only as written and never after a number ("5 PM").

A possessive keeps its "'s" ("Moscow's" -> "Russia's"). VERSION changes with the tables
and with RULES, and is part of claims.embedding.MODEL_NAME: vectors computed under other
aliases are stale and computed again.
"""

from __future__ import annotations

import csv
import hashlib
import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CAPITALS = DATA / "capitals.tsv"
TABLE = DATA / "aliases.toml"
# Bump when the rules in this module change what `canonical` returns.
RULES = 1

_WORD_AFTER = re.compile(r"\s*(?:['’]s\b)?\s*([^\W\d_][\w'’]*)")
# The word right before a capital: none after punctuation, which ends the name before.
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’]*)\s+$")
# Capitalised words that begin a sentence before a capital without making a name of it.
# fmt: off
_LINKS = frozenset("""
in at from to into after before for with since and but then while like unlike when as on
by of only even until without against between both meanwhile inside outside across around
near beyond via yet so or nor if although though because whereas the
""".split())  # noqa: SIM905 (a word list reads better as text)
# fmt: on
# What comes before a sentence's first word.
_SENTENCE_START = '.!?:;"“”‘(—–-'


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@lru_cache(maxsize=1)
def _tables() -> dict:
    table = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    rules = table["capitals"]
    with CAPITALS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    countries: dict[str, set[str]] = {}
    for row in rows:
        if int(row["population"] or 0) >= rules["min_population"]:
            countries.setdefault(row["capital"], set()).add(row["country"])
    capitals = {
        capital: names.pop()
        for capital, names in countries.items()
        if len(names) == 1 and capital not in rules["not_metonyms"]
    }
    capitals = {c: country for c, country in capitals.items() if c != country}
    capitals.update(rules["countries"])
    for spelling, capital in rules["spellings"].items():
        if capital in capitals:
            capitals[spelling] = capitals[capital]
    for capital in list(capitals):
        capitals.setdefault(_ascii(capital), capitals[capital])
    return {
        "capitals": capitals,
        "capitals_not_before": frozenset(rules["not_before"]),
        # "The Kremlin" begins a sentence as often as "the Kremlin" ends one.
        "seats": table["seats"]
        | {"T" + s[1:]: c for s, c in table["seats"].items() if s.startswith("the ")},
        "titles": table["titles"],
        "premier_not_before": frozenset(table["premier"]["not_before"]),
    }


def _alternation(phrases) -> str:
    # Longest first, so "New Delhi" is taken before "Delhi".
    return "|".join(re.escape(p) for p in sorted(phrases, key=lambda p: (-len(p), p)))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    tables = _tables()
    edge_before, edge_after = r"(?<![\w-])", r"(?![\w]|-\w)"
    titles = tables["titles"]
    # An abbreviation ("PM", "PMs") is a title only in capitals: "pm" is the time of day.
    written = [t for t in titles if t[:2].isupper()]
    spoken = [t for t in titles if t not in written]
    return (
        re.compile(f"{edge_before}(?:{_alternation(spoken)}){edge_after}", re.IGNORECASE),
        re.compile(rf"(?<![\w-])(?<!\d )(?:{_alternation(written)}){edge_after}"),
        re.compile(f"{edge_before}(?:{_alternation(tables['seats'])}){edge_after}"),
        re.compile(f"{edge_before}(?:{_alternation(tables['capitals'])}){edge_after}"),
    )


def _next_word(text: str, end: int) -> str:
    found = _WORD_AFTER.match(text, end)
    return found.group(1) if found else ""


def _names_a_thing(text: str, start: int, end: int, not_before: frozenset[str]) -> bool:
    """Whether the capital at text[start:end] is part of a name or a compound, not the
    government: before a capitalised word or a word of `not_before`, or after a
    capitalised word that is not a preposition or a conjunction ("George Washington",
    not "In Moscow")."""
    after = _next_word(text, end)
    if after and (after[0].isupper() or after.lower() in not_before):
        return True
    before = _WORD_BEFORE.search(text, 0, start)
    return bool(before) and before.group(1)[0].isupper() and before.group(1).lower() not in _LINKS


def _with_case(match: re.Match, replacement: str) -> str:
    """`replacement` with a capital first letter where a sentence begins."""
    ahead = match.string[: match.start()].rstrip()
    if replacement[:1].islower() and (not ahead or ahead[-1] in _SENTENCE_START):
        return replacement[0].upper() + replacement[1:]
    return replacement


# A claim is read again as a candidate of each claim it is compared with.
@lru_cache(maxsize=8192)
def canonical(text: str) -> str:
    """`text` with capitals and seats of government named by their country and titles of
    one office by one title (see the module's docstring); unchanged when it has none."""
    tables = _tables()
    spoken, written, seats, capitals = _patterns()
    lowered = {t.lower(): r for t, r in tables["titles"].items()}

    def title(match: re.Match) -> str:
        found = match.group(0)
        if found.lower() in ("premier", "premiers"):
            after = _next_word(match.string, match.end())
            if after.lower() in tables["premier_not_before"]:
                return found
        return _with_case(match, lowered[found.lower()])

    def capital(match: re.Match) -> str:
        if _names_a_thing(match.string, match.start(), match.end(), tables["capitals_not_before"]):
            return match.group(0)
        return _with_case(match, tables["capitals"][match.group(0)])

    text = spoken.sub(title, text)
    text = written.sub(lambda m: tables["titles"][m.group(0)], text)
    text = seats.sub(lambda m: _with_case(m, tables["seats"][m.group(0)]), text)
    return capitals.sub(capital, text)


def _version() -> str:
    digest = hashlib.sha256()
    for path in (CAPITALS, TABLE):
        digest.update(path.read_bytes())
    return f"{RULES}.{digest.hexdigest()[:8]}"


VERSION = _version()
