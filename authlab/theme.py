"""Colours that follow JupyterLab's theme (its CSS variables), so rich output reads in Light and in Dark.

Plain HTML without those variables (nbviewer, an exported page) gets the Light values.
"""

TEXT = "var(--jp-ui-font-color0, #000)"
SOFT_TEXT = "var(--jp-ui-font-color1, #1f1f1f)"
BORDER = "var(--jp-border-color1, #999)"
PANEL = "var(--jp-layout-color2, #eee)"


def themed(colour: str) -> str:
    """``colour`` for text: mixed with the theme's text colour, so darker on Light and lighter on Dark, and at
    least 5:1 against either background for the course's colours (tests/test_theme.py measures them)."""
    return f"color-mix(in srgb, {colour} 60%, {TEXT})"
