"""Small template filters for the desk's pages."""

from __future__ import annotations

import re

from django import template

register = template.Library()

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


@register.filter
def colour(value: str, fallback: str = "#5f6b7a") -> str:
    """A rating's colour for a style attribute: only a #rrggbb value ever reaches the CSS,
    since the colour is data an editor types and attribute escaping does not stop CSS."""
    return value if isinstance(value, str) and _HEX.fullmatch(value) else fallback


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"
