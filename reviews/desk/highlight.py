"""An article's text with its claims highlighted, escaped piece by piece."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from claims.models import Claim


def highlight(
    text: str,
    claims: list[Claim],
    *,
    offset: int = 0,
    current: int | None = None,
) -> SafeString:
    """`text` (a slice of an article body starting at `offset`) with each claim's span
    wrapped in a link to its claim page, or in a <mark> for the `current` claim.

    Every piece of text is escaped; only the tags we write are markup. Overlapping spans
    keep the first claim highlighted and leave the other as plain text (it is still
    listed beside the article).
    """
    pieces: list[SafeString] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: (c.span_start, c.span_end)):
        start, end = claim.span_start - offset, claim.span_end - offset
        if start < cursor or start < 0 or end > len(text):
            continue
        pieces.append(escape(text[cursor:start]))
        if claim.pk == current:
            pieces.append(
                format_html(
                    '<mark class="hl hl-current status-{}">{}</mark>',
                    claim.status,
                    text[start:end],
                )
            )
        else:
            pieces.append(
                format_html(
                    '<a class="hl status-{}" id="claim-{}" href="{}" title="Claim #{} · {}">{}</a>',
                    claim.status,
                    claim.pk,
                    reverse("desk-claim", args=[claim.pk]),
                    claim.pk,
                    claim.get_status_display(),
                    text[start:end],
                )
            )
        cursor = end
    pieces.append(escape(text[cursor:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def context_window(body: str, start: int, end: int) -> tuple[int, int, int, int]:
    """The bounds of the paragraph (line) around [start, end), and of the window that adds
    the nearest non-blank line on either side: seed articles often put one sentence on a
    line, so the paragraph alone can be the claim alone."""
    lines = []
    pos = 0
    for line in body.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    first = next(i for i, (s, e) in enumerate(lines) if s <= start <= e)
    last = next(i for i, (s, e) in enumerate(lines) if i >= first and end <= e)
    before = [i for i in range(first) if body[lines[i][0] : lines[i][1]].strip()]
    after = [i for i in range(last + 1, len(lines)) if body[lines[i][0] : lines[i][1]].strip()]
    window_start = lines[before[-1]][0] if before else lines[first][0]
    window_end = lines[after[0]][1] if after else lines[last][1]
    return window_start, lines[first][0], lines[last][1], window_end
