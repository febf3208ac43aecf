"""The course's colours follow JupyterLab's theme and pass WCAG AA (4.5:1) as text on Light and on Dark."""

import pytest
from wcag import THEMES, contrast, parse

from authlab import theme
from authlab.inspect import _render
from authlab.recording import _SvgDiagram

TEXT_COLOURS = {
    "JWT header": _render.HEADER_COLOUR,
    "JWT payload": _render.PAYLOAD_COLOUR,
    "JWT signature": _render.SIGNATURE_COLOUR,
    **{f"status {name}": theme.themed(getattr(_render, name)) for name in ("GOOD", "BAD", "NOTE", "NEUTRAL")},
    **{f"diagram {kind}": colour for kind, colour in _SvgDiagram.COLOURS.items()},
    "diagram note": _SvgDiagram.NOTE,
    "diagram comment": _SvgDiagram.COMMENT,
    "diagram detail": _SvgDiagram.DETAIL,
    "text": theme.TEXT,
    "soft text": theme.SOFT_TEXT,
}


@pytest.mark.parametrize("name", TEXT_COLOURS)
@pytest.mark.parametrize("theme_name", THEMES)
def test_text_colour_is_readable_on_both_themes(name, theme_name):
    variables = THEMES[theme_name]
    foreground = parse(TEXT_COLOURS[name], variables)
    for background in ("--jp-layout-color0", "--jp-layout-color1"):
        ratio = contrast(foreground, parse(variables[background]))
        assert ratio >= 4.5, f"{name} on {theme_name} {background}: {ratio:.2f}:1"


def test_diagram_names_are_readable_on_their_boxes():
    for variables in THEMES.values():
        assert contrast(parse(theme.TEXT, variables), parse(theme.PANEL, variables)) >= 4.5


@pytest.mark.parametrize("name", ["GOOD", "BAD", "NOTE", "NEUTRAL"])
def test_badges_carry_readable_white_text(name):
    assert contrast(parse("#ffffff"), parse(getattr(_render, name))) >= 4.5


def test_the_old_jwt_colours_would_fail():
    """The measure is the one the issue used: jwt.io's signature colour on white is 2.28:1."""
    assert round(contrast(parse("#00b9f1"), parse("#ffffff")), 2) == 2.28


def test_the_chosen_toggle_is_readable_on_both_themes():
    for brand in ("#0d47a1", "#1976d2"):  # --jp-brand-color0 on Light and on Dark
        assert contrast(parse("#ffffff"), parse(brand)) >= 4.5
