"""Figures in a claim, normalised so that two claims' figures can be compared.

A figure is what a number in the claim counts (its kind: money in a currency, a span
of time, a date, a count of countries), and the interval of values the words allow:
"$3.1bn", "$3.1 billion" and "3.1 billion dollars" are one amount; "three decades" is
30 years; "more than a decade" is any span over 10 years, so it agrees with "12 years"
and not with "10 years"; "a week before the election" is 7 days before an event, which
"two days after it" contradicts.

Spelled-out numbers are turned into digits by text2num (`alpha2digit`); the rest is
the small grammar of figures in news copy: multipliers, currencies, units of time,
qualifiers ("more than", "nearly", "about"), month names.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from text_to_num import alpha2digit

# Days in each unit of time: spans are compared in days.
_TIME_UNITS = {
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1,
    "week": 7,
    "fortnight": 14,
    "month": 30.44,
    "year": 365.25,
    "decade": 3652.5,
    "century": 36525,
}
_MULTIPLIERS = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_DIGIT_MULTIPLIERS = {"1000": 1e3, "1000000": 1e6, "1000000000": 1e9, "1000000000000": 1e12}
_CURRENCY_SIGNS = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "usd": "USD",
    "pound": "GBP",
    "euro": "EUR",
    "yen": "JPY",
    "rupee": "INR",
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# What a count counts: words that name the same thing in news copy.
_SYNONYMS = {
    "nation": "country",
    "state": "country",
    "ambassador": "envoy",
    "diplomat": "envoy",
    "head": "envoy",
    "mission": "envoy",
    "percent": "percent",
    "cent": "percent",
    "%": "percent",
}
_ABOVE = ("more than", "over", "above", "upwards of", "in excess of", "exceeding")
_AT_LEAST = ("at least", "no fewer than", "no less than")
_BELOW = ("less than", "fewer than", "under", "below")
_AT_MOST = ("up to", "at most", "no more than")
_NEARLY = ("nearly", "almost", "just under", "close to")
_ABOUT = ("about", "around", "roughly", "approximately", "some", "an estimated")
# Words between a number and what it counts: "35 other countries".
_FILLER = frozenset(
    "other more of the a an foreign member last past nearly about".split()  # noqa: SIM905
)
_STOP = frozenset(
    """
    a an the of in on at by for to and or but it its is was were be been that this than from
    with as per
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Figure:
    kind: str  # "money:USD", "time", "date", "year", "relative", "count:country", ...
    low: float
    high: float
    text: str  # as written, for the reviewer
    low_open: bool = False
    high_open: bool = False

    def compatible(self, other: Figure) -> bool:
        """Whether some value lies in both intervals (a little slack for rounding)."""
        slack = 1e-6 * max(abs(self.low), abs(other.low), 1)
        if self.high < other.low - slack or other.high < self.low - slack:
            return False
        if math.isclose(self.high, other.low, abs_tol=slack) and (self.high_open or other.low_open):
            return False
        touching = math.isclose(other.high, self.low, abs_tol=slack)
        return not (touching and (other.high_open or self.low_open))

    def describe(self) -> str:
        return self.text


def _stem(word: str) -> str:
    word = word.lower().strip("'’.,;:!?\"“”()")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ves") and len(word) > 4:
        return word[:-3] + "f"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


# Words a spelled-out figure is made of when news copy hyphenates it into one adjective
# ("a two-and-a-half-billion-dollar pipeline", "a forty-eight-hour visit").
_NUMBER_WORDS = frozenset(
    """
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
    eighty ninety hundred thousand million billion trillion half quarter dozen and a
    """.split()  # noqa: SIM905
)
_FIGURE_WORDS = _NUMBER_WORDS | set(_TIME_UNITS) | set(_CURRENCY_WORDS)
_HYPHENATED = re.compile(r"\b[A-Za-z]+(?:-[A-Za-z]+)+\b")
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "the 24th of February", "24th February", "February 24th": the month, then the day
# without its suffix ("the 3rd of May" is a date, "3 May" could be a count).
_ORDINAL_DAY_FIRST = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)\s+(?:of\s+)?((?:{_MONTH_NAMES})\b)", re.I
)
_ORDINAL_DAY_AFTER = re.compile(rf"\b((?:{_MONTH_NAMES})\.?\s+\d{{1,2}})(?:st|nd|rd|th)\b", re.I)


def _unhyphenate(match: re.Match) -> str:
    parts = match.group(0).split("-")
    if all(_stem(p) in _FIGURE_WORDS for p in parts) and any(
        p.lower() in _NUMBER_WORDS - {"and", "a"} for p in parts
    ):
        return " ".join(parts)
    return match.group(0)


def _rewrites(*rules: tuple) -> list[tuple[re.Pattern, object, re.Pattern | None]]:
    """(pattern, replacement[, flags[, needs]]) rules, compiled once (a pattern compiled
    already stays as it is): a batch of linking reads the figures of thousands of claims.
    `needs`, with the same flags, is found in every match of the pattern and is quicker
    to look for: most claims have no ordinal, hyphen or "dozen", and are not rewritten."""
    compiled = []
    for pattern, replacement, *rest in rules:
        rule = re.compile(pattern, *rest[:1])
        compiled.append((rule, replacement, re.compile(rest[1], rule.flags) if rest[1:] else None))
    return compiled


# Before spelled-out numbers are turned into digits, then after.
_BEFORE_DIGITS = _rewrites(
    (r"\ba quarter of a century\b", "25 years", re.I, "century"),
    (r"\bhalf a century\b", "50 years", re.I, "century"),
    (r"\b(?:an? )?quarter[- ]century\b", "25 years", re.I, "century"),
    (r"\b(?:an? )?half[- ]century\b", "50 years", re.I, "century"),
    (_HYPHENATED, _unhyphenate, 0, "-"),
    (r"\bhalf a (decade|year|month|day)\b", r"0.5 \1", re.I, "half"),
    # "two-day", "48-hour": the number and the unit apart, so both are read.
    (r"(\w)-(hour|day|week|month|year|decade)s?\b", r"\1 \2", re.I, "-"),
    # "a decade", "a week before": one unit.
    (r"\b(a|an|one)\s+(hour|day|week|fortnight|month|year|decade|century)\b", r"1 \2", re.I),
)
_AFTER_DIGITS = _rewrites(
    (r"(\d+) and a half\b", lambda m: f"{m.group(1)}.5", 0, "and a half"),
    # "an hour and a half", "two years and a half"
    (
        rf"\b(\d+) ({'|'.join(_TIME_UNITS)})s? and a half\b",
        lambda m: f"{m.group(1)}.5 {m.group(2)}s",
        re.I,
        "and a half",
    ),
    (r"(\d+(?:\.\d+)?) dozen\b", lambda m: _digits(float(m.group(1)) * 12), 0, " dozen"),
    (r"\ba dozen\b", "12", re.I, "dozen"),
    (_ORDINAL_DAY_FIRST, r"\2 \1", 0, r"\d(?:st|nd|rd|th)"),
    (_ORDINAL_DAY_AFTER, r"\1", 0, r"\d(?:st|nd|rd|th)"),
    # alpha2digit writes "billion" alone as 1000000000: put the multiplier back.
    (
        r"(\d+(?:\.\d+)?) (1000000000000|1000000000|1000000|1000)\b",
        lambda m: f"{m.group(1)} {_word_of(m.group(2))}",
        0,
        "1000",
    ),
)


def _prepare(text: str) -> str:
    """The text with spelled-out numbers as digits and the idioms of figures resolved."""
    t = text.replace("’", "'").replace("\u00a0", " ")
    for pattern, replacement, needs in _BEFORE_DIGITS:
        if needs is None or needs.search(t):
            t = pattern.sub(replacement, t)
    t = alpha2digit(t, "en", threshold=0)
    for pattern, replacement, needs in _AFTER_DIGITS:
        if needs is None or needs.search(t):
            t = pattern.sub(replacement, t)
    return t


def _digits(value: float) -> str:
    return f"{value:g}"


def _word_of(digits: str) -> str:
    return {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"}[
        _DIGIT_MULTIPLIERS[digits]
    ]


_TOKEN = re.compile(
    r"[$£€¥₹]?\d+(?:\.\d+)?(?:bn|mn|m|tn|k)\b|[$£€¥₹]?\d+(?:,\d{3})*(?:\.\d+)?(?![\w])%?"
    r"|[A-Za-z][A-Za-z'.-]*|%"
)


_NUMBER_TOKEN = re.compile(r"([$£€¥₹]?)(\d+(?:,\d{3})*(?:\.\d+)?)(%|bn|mn|m|tn|k)?$")
_LOWER_START = re.compile(r"[a-z]")


def _qualifier(before: str) -> str:
    before = before.lower()
    for name, words in (
        ("above", _ABOVE),
        ("at_least", _AT_LEAST),
        ("below", _BELOW),
        ("at_most", _AT_MOST),
        ("nearly", _NEARLY),
        ("about", _ABOUT),
    ):
        for w in words:
            if before.endswith(" " + w) or before == w:
                return name
    return ""


def _interval(value: float, qualifier: str) -> tuple[float, float, bool, bool]:
    if qualifier == "above":
        return value, math.inf, True, False
    if qualifier == "at_least":
        return value, math.inf, False, False
    if qualifier == "below":
        return 0.0, value, False, True
    if qualifier == "at_most":
        return 0.0, value, False, False
    if qualifier == "nearly":
        return value * 0.9, value, False, True
    if qualifier == "about":
        return value * 0.95, value * 1.05, False, False
    return value, value, False, False


def extract(text: str) -> tuple[Figure, ...]:
    """The figures of a claim, in the order they appear."""
    prepared = _prepare(text)
    matches = list(_TOKEN.finditer(prepared))
    tokens = [m.group(0) for m in matches]
    figures: list[Figure] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        number_part = _NUMBER_TOKEN.match(token)
        if not number_part:
            i += 1
            continue
        sign, digits, suffix = number_part.groups()
        value = float(digits.replace(",", ""))
        start = matches[i].start()
        before = prepared[max(0, start - 30) : start].strip()
        qualifier = _qualifier(before)
        nxt = [t.lower().rstrip(".,;:") for t in tokens[i + 1 : i + 6]]
        used = 1
        if suffix in ("bn", "mn", "m", "tn", "k"):
            value *= _MULTIPLIERS[suffix]
        elif nxt and nxt[0] in _MULTIPLIERS and (nxt[0] not in ("m", "b", "k") or sign):
            value *= _MULTIPLIERS[nxt[0]]
            used += 1
            nxt = nxt[1:]
        end_token = i + used
        written = ""
        currency = _CURRENCY_SIGNS.get(sign) or (
            _CURRENCY_WORDS.get(_stem(nxt[0])) if nxt else None
        )
        figure: Figure | None = None
        if currency:
            if not sign and nxt:
                end_token += 1
            figure = _make(f"money:{currency}", value, qualifier)
        elif suffix == "%" or (nxt and _stem(nxt[0]) in ("percent", "cent")):
            figure = _make("percent", value, qualifier)
        elif i > 0 and tokens[i - 1].lower().rstrip(".") in _MONTHS and value < 32:
            month = _MONTHS[tokens[i - 1].lower().rstrip(".")]
            written = f"{tokens[i - 1]} {token}"
            figure = _make("date", month * 100 + value, "")
        elif nxt and nxt[0] in _MONTHS and value < 32 and nxt[0] != "may":
            written = f"{token} {tokens[i + 1]}"
            figure = _make("date", _MONTHS[nxt[0]] * 100 + value, "")
            end_token += 1
        elif nxt and _stem(nxt[0]) in _TIME_UNITS:
            days = value * _TIME_UNITS[_stem(nxt[0])]
            end_token += 1
            rest = nxt[1:3]
            if rest and rest[0] in ("before", "after", "earlier", "later", "ago"):
                sign_of = -1 if rest[0] in ("before", "earlier", "ago") else 1
                figure = _make("relative", sign_of * days, qualifier)
                end_token += 1
            else:
                figure = _make("time", days, qualifier)
        elif 1800 <= value <= 2100 and digits.isdigit() and not qualifier:
            figure = _make("year", value, "")
        else:
            skipped = 0
            while skipped < len(nxt) and nxt[skipped] in _FILLER:
                skipped += 1
            stem = _stem(nxt[skipped]) if skipped < len(nxt) else ""
            # A count of one is the determiner ("one embassy", "a country"), not a figure.
            if stem and stem not in _STOP and _LOWER_START.match(stem) and value != 1:
                figure = _make(f"count:{_SYNONYMS.get(stem, stem)}", value, qualifier)
                end_token += skipped + 1
        if figure is not None:
            if not written:
                end = matches[min(end_token, len(matches)) - 1].end()
                written = prepared[_written_start(prepared, start, before, qualifier) : end]
            figures.append(
                Figure(
                    figure.kind,
                    figure.low,
                    figure.high,
                    _original_words(text, written),
                    figure.low_open,
                    figure.high_open,
                )
            )
        i += 1
    return tuple(figures)


def _written_start(prepared: str, start: int, before: str, qualifier: str) -> int:
    if not qualifier:
        return start
    for words in (_ABOVE, _AT_LEAST, _BELOW, _AT_MOST, _NEARLY, _ABOUT):
        for w in words:
            if before.lower().endswith(w):
                return start - (len(prepared[:start]) - len(prepared[:start].rstrip())) - len(w)
    return start


def _original_words(original: str, written: str) -> str:
    """The figure as the claim wrote it when it can be found there, else as normalised
    ("two decades" stays "two decades"; a figure text2num rewrote shows its digits)."""
    return written.strip(" ,.;:")


def _make(kind: str, value: float, qualifier: str) -> Figure:
    low, high, low_open, high_open = _interval(value, qualifier)
    return Figure(kind, low, high, "", low_open, high_open)


def _kind_for_counts(figures: tuple[Figure, ...]) -> list[Figure]:
    return [f for f in figures if f.kind.startswith("count:")]


def conflicts(mine: tuple[Figure, ...], theirs: tuple[Figure, ...]) -> list[tuple[Figure, Figure]]:
    """Pairs of figures for the same thing that no value satisfies both of.

    Figures of one kind are compared as sets: a claim agrees when any of its figures of
    that kind fits any of the other's. Counts of differently named things ("22 envoys",
    "two dozen ambassadors" are one thing; "35 countries" and "141 votes" are not) are
    compared when each claim has exactly one count, as a restatement keeps its count."""
    if not mine or not theirs:
        return []  # a claim without figures conflicts with none
    found: list[tuple[Figure, Figure]] = []
    kinds = {f.kind for f in mine} & {f.kind for f in theirs}
    for kind in sorted(kinds):
        a = [f for f in mine if f.kind == kind]
        b = [f for f in theirs if f.kind == kind]
        if not any(x.compatible(y) for x in a for y in b):
            found.append(min(((x, y) for x in a for y in b), key=_apart))
    counts_a, counts_b = _kind_for_counts(mine), _kind_for_counts(theirs)
    if (
        len(counts_a) == 1
        and len(counts_b) == 1
        and counts_a[0].kind != counts_b[0].kind
        and not counts_a[0].compatible(counts_b[0])
    ):
        found.append((counts_a[0], counts_b[0]))
    return found


def _apart(pair: tuple[Figure, Figure]) -> float:
    """How far apart a pair's values are, relative to their size: of the figures of one
    kind that conflict, the nearest are the one quantity misreported ("23 years" against
    "20 years", not the "two-day" stay beside it), which the note names."""
    a, b = ((f.low + f.high) / 2 for f in pair)
    return abs(a - b) / max(abs(a), abs(b), 1e-9)


def describe(pairs: list[tuple[Figure, Figure]]) -> str:
    """ "20 years vs 23 years; $2.5 billion vs $3 billion": what a reviewer reads."""
    return "; ".join(f"{a.describe()} vs {b.describe()}" for a, b in pairs)[:300]


# How far apart two figures of one kind may be and still be the same quantity misreported
# (20 vs 23 years, 35 vs 38 countries, $2.5bn vs $3bn): beyond this factor they count
# different things ("two-day visit" vs "first in 20 years", "141 voted for" vs "35
# abstained").
SAME_QUANTITY_FACTOR = 3.0


def _family(kind: str) -> str:
    """The coarse type of a figure: a count (of anything), a span of time (with or
    without a direction), money in a currency, a percentage, a date, a year."""
    if kind.startswith("count:"):
        return "count"
    if kind in ("time", "relative"):
        return "span"
    return kind


def _magnitude(figure: Figure) -> float:
    if math.isinf(figure.high):
        return abs(figure.low)
    if figure.low == 0:
        return abs(figure.high)
    return abs(figure.low + figure.high) / 2


def _same_quantity(a: Figure, b: Figure) -> bool:
    x, y = _magnitude(a), _magnitude(b)
    if x == 0 or y == 0:
        return x == y
    return max(x, y) / min(x, y) <= SAME_QUANTITY_FACTOR


def agreement(mine: tuple[Figure, ...], theirs: tuple[Figure, ...]) -> str:
    """How two claims' figures relate, as evidence that they state one fact:

    - "none": neither has figures; "one": only one of them has;
    - "disjoint": both have figures, of no common type (money vs a count), or counts of
      different things only that do not fit each other (35 countries vs 22 envoys);
    - "agree": figures of one type fit each other (counts whatever they count: "envoys of
      22 countries" and "22 heads of mission");
    - "near": figures of one type differ but could be one quantity misreported (dates and
      years always could, amounts within SAME_QUANTITY_FACTOR of each other, counts of
      the same thing);
    - "far": every type they share is far apart: different quantities."""
    if not mine and not theirs:
        return "none"
    if not mine or not theirs:
        return "one"
    families = {_family(f.kind) for f in mine} & {_family(f.kind) for f in theirs}
    found = "disjoint"
    for family in sorted(families):
        a = [f for f in mine if _family(f.kind) == family]
        b = [f for f in theirs if _family(f.kind) == family]
        if any(x.compatible(y) for x in a for y in b):
            return "agree"
        # A count is one quantity misreported only when it counts the same thing.
        pairs = [(x, y) for x in a for y in b if family != "count" or x.kind == y.kind]
        if not pairs:
            continue
        if family in ("date", "year") or any(_same_quantity(x, y) for x, y in pairs):
            found = "near"
        elif found == "disjoint":
            found = "far"
    return found
