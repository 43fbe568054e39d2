"""WCAG 2.x colour arithmetic: relative luminance, contrast ratio, and the text colour that
reads on a background an editor chose (a rating's colour is data, not a fixed palette)."""

from __future__ import annotations

import re

_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

# WCAG AA for body text; large text needs only 3:1 but the desk's chips and badges are small.
AA_TEXT = 4.5

# Pure white and black: for any background one of them reaches at least 4.58:1 (the ratio
# is sqrt(21) at the background whose contrast with both is equal), so a chip is never
# unreadable whatever colour is typed in.
LIGHT_INK = "#ffffff"
DARK_INK = "#000000"


def parse_hex(value: str) -> tuple[int, int, int]:
    """#rgb or #rrggbb as three 0-255 channels; ValueError for anything else."""
    match = _HEX.fullmatch(value.strip())
    if not match:
        raise ValueError(f"not a hex colour: {value!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(255, max(0, c))):02x}" for c in rgb)


def mix(a: str, b: str, weight_a: float) -> str:
    """CSS `color-mix(in srgb, a weight_a*100%, b)`: a straight interpolation of the
    gamma-encoded channels, as the browser does for the srgb space."""
    ra, rb = parse_hex(a), parse_hex(b)
    return to_hex(tuple(x * weight_a + y * (1 - weight_a) for x, y in zip(ra, rb, strict=True)))


def relative_luminance(value: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse_hex(value))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio, 1 to 21, whichever way round the two are given."""
    hi, lo = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ink_on(background: str) -> str:
    """White text where it meets AA on `background`, else black (whichever reads better)."""
    if contrast_ratio(LIGHT_INK, background) >= AA_TEXT:
        return LIGHT_INK
    if contrast_ratio(DARK_INK, background) >= contrast_ratio(LIGHT_INK, background):
        return DARK_INK
    return LIGHT_INK


def darken_for(colour: str, background: str, *, target: float = AA_TEXT) -> str:
    """`colour` mixed with black, step by step, until it reads at `target` on `background`
    (a light background, as every tint on the pages is). Unchanged when it already does."""
    shade = colour
    for step in range(1, 101):
        if contrast_ratio(shade, background) >= target:
            return shade
        shade = mix(colour, DARK_INK, 1 - step / 100)
    return DARK_INK


# How much of a rating's colour tints the verdict panel on the public page.
TINT_WEIGHT = 0.09


def rating_palette(colour: str) -> dict[str, str]:
    """The colours a rating is drawn with: its own (edges), the ink on a chip of it, a
    light tint (panels), and a shade of it that reads as text on that tint."""
    tint = mix(colour, LIGHT_INK, TINT_WEIGHT)
    return {
        "rating": colour,
        "rating-ink": ink_on(colour),
        "rating-tint": tint,
        "rating-text": darken_for(colour, tint),
    }
