"""Who makes a claim: attribution ("X said", "according to X", a quote paragraph after
"X said:"), with pronouns and bare surnames resolved to the people the article named
earlier."""

from __future__ import annotations

import re

from claims.extraction.scoring import _QUOTED, _word_pattern
from claims.extraction.text import SPEECH_VERBS, ClaimantRef, _Gated

_TITLES = {
    "prime minister": "Prime Minister",
    "pm": "Prime Minister",
    "foreign minister": "Foreign Minister",
    "fm": "Foreign Minister",
    "information minister": "Information Minister",
    "minister": "Minister",
    "president": "President",
    "chancellor": "Chancellor",
    "senator": "Senator",
    "secretary": "Secretary",
    "spokesperson": "spokesperson",
    "spokesman": "spokesman",
    "spokeswoman": "spokeswoman",
    "counterpart": "",
    "mr": "",
    "mrs": "",
    "ms": "",
    "dr": "",
}
_TITLE_ALT = "|".join(sorted((re.escape(t) for t in _TITLES), key=len, reverse=True))
_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?){0,2}"
# Only the title is case-insensitive ("his counterpart"); names must be capitalised.
_TITLED_NAME = re.compile(rf"\b(?P<title>(?i:{_TITLE_ALT}))\.?\s+(?P<name>{_NAME})")
_APPOSITIVE = re.compile(
    rf"(?P<name>{_NAME}),\s+(?:the\s+)?(?P<role>[^,]{{2,60}}?(?:spokesperson|spokesman|"
    r"spokeswoman|minister|secretary|president|ambassador|director|chief|head|leader|"
    r"official|adviser|advisor|envoy))\s*,"
)
_TITLED_NAME = _Gated(_TITLED_NAME, tuple(_TITLES), fold=True)
_ORG_NAME = r"[A-Z][\w&’'-]*(?:\s+(?:of|for|and)\s+[A-Z][\w&’'-]*)+"  # "Ministry of Health"
_SPEAKER = re.compile(
    rf"(?:^|(?<=[\s“\"(]))(?P<who>{_ORG_NAME}|(?:(?i:{_TITLE_ALT})\.?\s+)?{_NAME}|[Hh]e|[Ss]he|"
    rf"[Tt]he (?:PM|Prime Minister|President|Foreign Minister|FM)|"
    r"[Tt]he (?:[A-Z][\w-]+ )?(?:leader|premier))"
    rf"(?:,\s+the\s+[^,]{{2,60}},)?\s+(?:\w+ly\s+)?(?:{SPEECH_VERBS})\b"
)
_SPEAKER = _Gated(_SPEAKER, SPEECH_VERBS.split("|"), fold=False)
# "Khan expressed his fury ..., asserting that ...": the sentence subject speaks.
_SUBJECT_PARTICIPLE = re.compile(
    rf"^(?P<who>{_NAME})\s+[a-z][^.]*?,\s+(?:saying|stating|noting|asserting|claiming|"
    r"adding|insisting|arguing|warning)\b"
)
# "The Pakistani leader says ...": a descriptive back-reference, like a pronoun.
_DESCRIPTION = re.compile(r"^[Tt]he (?:[A-Z][\w-]+ )?(?:leader|premier)$")
_SUBJECT_PARTICIPLE = _Gated(
    _SUBJECT_PARTICIPLE,
    [
        "saying",
        "stating",
        "noting",
        "asserting",
        "claiming",
        "adding",
        "insisting",
        "arguing",
        "warning",
    ],
    fold=False,
)
_INVERTED = re.compile(rf"[”\"],?\s+(?:{SPEECH_VERBS})\s+(?P<who>[^.]+?)\.?$")
_INVERTED = _Gated(_INVERTED, '”"', fold=False)
_SOURCE = re.compile(
    r"\b(?:[Aa]ccording to|[Aa]s (?:detailed|reported) by|per)\s+(?:the\s+)?"
    r"(?P<who>[A-Z][\w&’'-]*(?:\s+(?:(?:of|for|and)\s+)?[A-Z][\w&’'-]*)*)"
)
_SOURCE = _Gated(_SOURCE, ("ccording to", "s detailed by", "s reported by", "per"), fold=False)
_ORG_WORDS = re.compile(
    r"\b(?:Ministry|Department|Office|Union|Times|Reuters|Agency|Council|Government|"
    r"Commission|Party|Bank|Court|News|Post|Press|Institute|Organi[sz]ation|Nations|"
    r"Assembly|Committee|Journal|BBC|AP|AFP|CNN)\b"
)
_PRONOUNS = {"he", "she"}


class _People:
    """The people named so far in one article, for pronoun and surname lookup."""

    def __init__(self) -> None:
        self.roles: dict[str, str] = {}  # full name -> role, in order first seen
        self.focus: str | None = None  # the person the article is currently about

    def register(self, name: str, role: str = "") -> str:
        name = self._strip_title(name)
        full = self.resolve_name(name) or name
        if full not in self.roles or (role and not self.roles[full]):
            self.roles[full] = role
        return full

    @staticmethod
    def _strip_title(name: str) -> str:
        words = name.split()
        while len(words) > 1 and " ".join(words[:2]).lower() in _TITLES:
            words = words[2:]
        while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
            words = words[1:]
        return " ".join(words)

    def resolve_name(self, name: str) -> str | None:
        name = self._strip_title(name)
        if name in self.roles:
            return name
        # A bare surname ("Khan", "FM Qureshi") means the person introduced
        # earlier with their full name; the latest one wins.
        for full in reversed(list(self.roles)):
            if full.split()[-1] == name.split()[-1]:
                return full
        return None

    def by_title(self, title: str) -> str | None:
        role = _TITLES.get(title.lower(), title)
        for full in reversed(list(self.roles)):
            if self.roles[full] == role:
                return full
        return None

    def ref(self, full: str) -> ClaimantRef:
        return ClaimantRef(full, "person", self.roles.get(full, ""))

    def mentioned(self, sentence: str) -> list[str]:
        """Known people mentioned in `sentence`, in order of appearance."""
        hits = []
        for full in self.roles:
            for form in {full, full.split()[-1]}:
                match = _word_pattern(form).search(sentence)
                if match:
                    hits.append((match.start(), full))
                    break
        return [full for _, full in sorted(hits)]

    def learn(self, sentence: str) -> None:
        # An appositive ("Name, the ... minister,") sits between two commas.
        appositives = _APPOSITIVE.finditer(sentence) if sentence.count(",") >= 2 else ()
        for match in appositives:
            self.register(match.group("name"), match.group("role").strip())
        for match in _TITLED_NAME.finditer(sentence):
            title = match.group("title")
            # Lowercase title words ("his counterpart") are cues, but a lowercase
            # "president" in running text is not a title before a name.
            if title[0].islower() and title.lower() not in {"counterpart", "spokesperson"}:
                continue
            self.register(match.group("name"), _TITLES[title.lower()])

    def resolve(self, who: str) -> ClaimantRef | None:
        who = who.strip()
        lowered = who.lower()
        if lowered in _PRONOUNS or _DESCRIPTION.match(who):
            return self.ref(self.focus) if self.focus else None
        if lowered.startswith("the "):
            title = who[4:]
            full = self.by_title(title)
            if full:
                return self.ref(full)
            return ClaimantRef(re.sub(r"^the\s+", "", who), "organization")
        full = self.resolve_name(who)
        if full:
            return self.ref(full)
        kind = "organization" if _ORG_WORDS.search(who) or who[0].islower() else "person"
        if kind == "person":
            return self.ref(self.register(who))
        return ClaimantRef(who, kind)


def _claimant_for(sentence: str, people: _People) -> ClaimantRef | None:
    # Speech tags sit outside the quotation marks; a name inside a quote
    # ("... as Biden said ...") is the quoted speaker's words, not a tag.
    own_voice = _QUOTED.sub(" … ", sentence)
    speaker = _SPEAKER.search(own_voice)
    if speaker:
        ref = people.resolve(speaker.group("who"))
        if ref:
            return ref
    inverted = _INVERTED.search(sentence)
    if inverted:
        ref = people.resolve(inverted.group("who"))
        if ref:
            return ref
    subject = _SUBJECT_PARTICIPLE.search(own_voice)
    if subject:
        full = people.resolve_name(subject.group("who"))
        if full:
            return people.ref(full)
    source = _SOURCE.search(own_voice)
    if source:
        return people.resolve(source.group("who").rstrip(".,"))
