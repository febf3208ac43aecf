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


# Widgets holding ToggleButtons get this class and style: the chosen button filled, bold and ticked, in Light
# and Dark (ipywidgets only darkens it a shade). White on --jp-brand-color0 is 9:1 on Light, 4.6:1 on Dark.
TOGGLES = "authlab-toggles"
TOGGLE_STYLE = f"""<style>
.{TOGGLES} .widget-toggle-button.mod-active {{
  background: var(--jp-brand-color0, #0d47a1); color: #fff; font-weight: 700;
}}
.{TOGGLES} .widget-toggle-button.mod-active::before {{ content: "\\2713\\00a0"; }}
</style>"""
