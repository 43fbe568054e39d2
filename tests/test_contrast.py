"""Every text/background pair the desk's stylesheet can draw meets WCAG AA (4.5:1).

The pairs are read from the stylesheet itself, not listed here: each rule that sets a text
colour is checked against its own background when it sets one, else against every
background text sits on (the panels and the page; the top bar for its own rules). Custom
properties are resolved the way the cascade would for each scope that defines them: every
claim state for `--c`/`--c-bg`, every stance for `--ev`, every rating of the seed scale
(fixtures/ratings.json) for the `--rating*` properties the pages compute per rating.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from reviews.desk.colours import (
    AA_TEXT,
    contrast_ratio,
    darken_for,
    ink_on,
    mix,
    parse_hex,
    rating_palette,
)
from reviews.desk.templatetags.desk import rating_vars

ROOT = Path(__file__).resolve().parents[1]
CSS_NAME = "reviews/desk.css"

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]+?))?\s*\)")
_MIX = re.compile(r"color-mix\(\s*in srgb\s*,\s*(#[0-9a-fA-F]{3,6})\s+(\d+)%\s*,\s*(\S+?)\s*\)")
_NAMED = {"white": "#ffffff", "black": "#000000"}
# The top bar and what sits in it draw on its dark ground (and its hover shade).
TOPBAR_SELECTORS = re.compile(r"\.(topbar|brand|nav|who|btn-quiet)\b")


def stylesheet() -> str:
    path = finders.find(CSS_NAME)
    assert path, f"{CSS_NAME} is not among the static files"
    css = Path(path).read_text(encoding="utf-8")
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) for each rule, media queries flattened into the list."""
    css = re.sub(r"@media[^{]*\{", "", css)  # their inner rules stay, their braces close below
    out = []
    for selector, body in _RULE.findall(css):
        decls = {}
        for decl in body.split(";"):
            if ":" in decl:
                name, value = decl.split(":", 1)
                decls[name.strip()] = value.strip()
        out.append((selector.strip(), decls))
    return out


def custom_properties(all_rules, selector_pattern: str) -> dict[str, dict[str, str]]:
    """{scope name: {--property: value}} for rules whose selector is `.prefix-NAME`."""
    found: dict[str, dict[str, str]] = {}
    for selector, decls in all_rules:
        match = re.fullmatch(selector_pattern, selector)
        if match:
            found.setdefault(match.group(1), {}).update(
                {k: v for k, v in decls.items() if k.startswith("--")}
            )
    return found


def resolve(value: str, props: dict[str, str], depth: int = 0) -> str | None:
    """A declaration's colour as #rrggbb under `props`, or None when it is not a colour
    (inherit, transparent, a gradient)."""
    if depth > 10:
        raise AssertionError(f"custom properties loop resolving {value!r}")
    value = value.strip()

    def substitute(match: re.Match) -> str:
        name, fallback = match.group(1), match.group(2)
        if name in props:
            return props[name]
        if fallback is not None:
            return fallback
        raise AssertionError(f"{name} is used but defined nowhere in scope")

    while _VAR.search(value):
        value = _VAR.sub(substitute, value)
    value = value.split()[-1] if value.startswith(("1px", "2px", "3px")) else value
    value = _NAMED.get(value, value)
    mixed = _MIX.fullmatch(value)
    if mixed:
        other = resolve(mixed.group(3), props, depth + 1)
        return mix(mixed.group(1), other, int(mixed.group(2)) / 100) if other else None
    try:
        parse_hex(value)
    except ValueError:
        return None
    return value if len(value) == 7 else "#" + "".join(c * 2 for c in value[1:])


def scoped_props(all_rules) -> list[tuple[str, dict[str, str]]]:
    """Each combination of scopes a rule may be drawn in, with its properties merged over
    :root's: every claim state x every stance x every seed rating."""
    root: dict[str, str] = {}
    for selector, decls in all_rules:
        if selector == ":root":
            root.update({k: v for k, v in decls.items() if k.startswith("--")})
    states = custom_properties(all_rules, r"\.status-(\w+)")
    stances = custom_properties(all_rules, r"\.stance-(\w+)")
    ratings = json.loads((ROOT / "fixtures" / "ratings.json").read_text())
    palettes = {
        r["fields"]["label"]: {
            f"--{k}": v for k, v in rating_palette(r["fields"]["colour"]).items()
        }
        for r in ratings
    }
    assert states and stances and palettes
    combos = []
    for (state, s), (stance, e), (rating, p) in itertools.product(
        states.items(), stances.items(), palettes.items()
    ):
        combos.append((f"status {state}, stance {stance}, rating {rating}", root | s | e | p))
    return combos


def text_pairs():
    """(where, foreground, background) for every text colour the stylesheet sets."""
    all_rules = rules(stylesheet())
    combos = scoped_props(all_rules)
    root = combos[0][1]
    page_grounds = {"panel": root["--panel"], "page": root["--bg"]}
    topbar_grounds = {"top bar": "#1d2530", "top bar hover": "#2f3a48"}
    pairs = set()
    for selector, decls in all_rules:
        if "color" not in decls:
            continue
        background = decls.get("background-color", decls.get("background"))
        for scope, props in combos:
            fg = resolve(decls["color"], props)
            if fg is None:
                continue
            bg = resolve(background, props) if background else None
            if bg is not None:
                grounds = {"own background": bg}
            elif TOPBAR_SELECTORS.search(selector):
                grounds = topbar_grounds
            else:
                grounds = page_grounds
            for ground_name, ground in grounds.items():
                pairs.add((f"{selector} ({scope}) on {ground_name}", fg, ground))
    return sorted(pairs)


def test_every_text_colour_in_the_stylesheet_meets_wcag_aa():
    pairs = text_pairs()
    # The parser found the rules it is meant to check, not an empty list that passes.
    selectors = {where.split(" (")[0] for where, _, _ in pairs}
    for expected in (
        '.badge[class*="status-"]',
        ".rating-chip",
        ".rating-big",
        ".stance",
        ".muted",
    ):
        assert expected in selectors, f"{expected} was not checked"
    failures = {}  # one line per rule and colour pair, naming the first scope it fails in
    for where, fg, bg in pairs:
        if contrast_ratio(fg, bg) < AA_TEXT:
            failures.setdefault((where.split(" (")[0], fg, bg), where)
    assert not failures, "below 4.5:1:\n" + "\n".join(
        f"{where}: {fg} on {bg} is {contrast_ratio(fg, bg):.2f}:1"
        for (_, fg, bg), where in failures.items()
    )


@pytest.mark.parametrize("label", ["Mostly true", "Half true", "Mostly false"])
def test_seed_rating_chips_carry_white_text_at_aa(label):
    rating = next(
        r
        for r in json.loads((ROOT / "fixtures" / "ratings.json").read_text())
        if r["fields"]["label"] == label
    )
    colour = rating["fields"]["colour"]
    assert ink_on(colour) == "#ffffff"
    assert contrast_ratio("#ffffff", colour) >= AA_TEXT


@pytest.mark.parametrize(
    "typed",
    ["#4d9f3a", "#b58900", "#d9480f", "#ffff00", "#00ffff", "#777777", "#000000", "#ffffff"],
)
def test_any_colour_an_editor_types_gives_readable_chips_and_labels(typed):
    # The old scale's colours (3.2:1 to 4.4:1 under white) and colours chosen to be hard.
    palette = rating_palette(typed)
    assert contrast_ratio(palette["rating-ink"], typed) >= AA_TEXT
    assert contrast_ratio(palette["rating-text"], palette["rating-tint"]) >= AA_TEXT
    assert f"--rating-ink: {palette['rating-ink']}" in rating_vars(typed)


def test_a_colour_that_is_not_hex_never_reaches_the_style_attribute():
    style = rating_vars("red; background: url(//evil.example/x)")
    assert "evil" not in style and "--rating: #5f6b7a" in style


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#777777") == contrast_ratio("#777777", "#ffffff")
    assert darken_for("#777777", "#ffffff") != "#777777"
    assert contrast_ratio(darken_for("#777777", "#ffffff"), "#ffffff") >= AA_TEXT
