"""Small template filters for the desk's pages."""

from __future__ import annotations

import re
from functools import lru_cache

from django import template

from reviews.desk.colours import rating_palette

register = template.Library()

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
FALLBACK_COLOUR = "#5f6b7a"


@register.filter
def colour(value: str, fallback: str = FALLBACK_COLOUR) -> str:
    """A rating's colour for a style attribute: only a #rrggbb value ever reaches the CSS,
    since the colour is data an editor types and attribute escaping does not stop CSS."""
    return value if isinstance(value, str) and _HEX.fullmatch(value) else fallback


@register.filter
# A pure function of the colour, up to 2.5 ms each (the darkening search): a list of
# published claims asks it once per row, for a handful of colours.
@lru_cache(maxsize=512)
def rating_vars(value: str) -> str:
    """The CSS custom properties a rating is drawn with (`style="{{ r.colour|rating_vars }}"`):
    whatever colour an editor picked, the chip's text and the verdict's label meet WCAG AA,
    because the text colours are computed here from it."""
    palette = rating_palette(colour(value))
    return "; ".join(f"--{name}: {hex_}" for name, hex_ in palette.items())


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


@register.filter
def meter_class(value: float | None) -> str:
    """The class that draws a 0..1 value as a bar (`meter-0` ... `meter-100`, steps of 5):
    a class, not a style attribute, which the Content-Security-Policy refuses."""
    return f"meter-{0 if value is None else round(max(0.0, min(1.0, value)) * 20) * 5}"


@register.simple_tag(takes_context=True)
def once_token(context, *parts) -> str:
    """The hidden one-time token of a form: `{% once_token "evidence" claim.pk %}`."""
    from django.utils.html import format_html

    from reviews.desk import once

    purpose = ":".join(str(p) for p in parts)
    token = once.issue(user=context["request"].user, purpose=purpose)
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, token)


@register.simple_tag(takes_context=True)
def claim_row(context, claim) -> str:
    """A claim's row in a list (reviews.desk.rows): `{% claim_row c %}`; the claim list's
    bulk form sets `selectable` and `selected` in the context."""
    from reviews.desk.rows import claim_row as row

    return row(
        claim, selectable=bool(context.get("selectable")), selected=context.get("selected") or ()
    )
