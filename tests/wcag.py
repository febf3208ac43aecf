"""WCAG 2 contrast of CSS colours, with JupyterLab's theme variables resolved (Light and Dark)."""

import re

# the values JupyterLab 4's Light and Dark themes give the variables the course's colours use
THEMES = {
    "light": {"--jp-ui-font-color0": "#000000", "--jp-ui-font-color1": "rgba(0,0,0,.87)",
              "--jp-layout-color0": "#ffffff", "--jp-layout-color1": "#ffffff", "--jp-layout-color2": "#eeeeee"},
    "dark": {"--jp-ui-font-color0": "#ffffff", "--jp-ui-font-color1": "rgba(255,255,255,.87)",
             "--jp-layout-color0": "#111111", "--jp-layout-color1": "#212121", "--jp-layout-color2": "#424242"},
}


def parse(css: str, variables: dict[str, str] | None = None) -> tuple[float, float, float, float]:
    """An sRGB colour with alpha, 0-255 and 0-1, from hex, rgb()/rgba(), color(srgb ...), var() and
    ``color-mix(in srgb, A p%, B)``."""
    css = css.strip()
    if css.startswith("var("):
        name, _, fallback = css[4:-1].partition(",")
        value = (variables or {}).get(name.strip()) or fallback.strip()
        return parse(value, variables)
    if css.startswith("color-mix("):
        first, second = _split(css[len("color-mix("):-1])[1:]
        colour, share = first.rsplit(" ", 1)
        p = float(share.rstrip("%")) / 100
        a, b = parse(colour, variables), parse(second, variables)
        return tuple(p * x + (1 - p) * y for x, y in zip(a, b, strict=True))
    if css.startswith("#"):
        digits = css[1:] if len(css) > 4 else "".join(c * 2 for c in css[1:])
        return (*(int(digits[i:i + 2], 16) for i in (0, 2, 4)), 1.0)
    if css.startswith("color(srgb"):
        values = re.findall(r"[\d.]+", css[len("color(srgb"):])
        r, g, b = (float(v) * 255 for v in values[:3])
        return r, g, b, float(values[3]) if len(values) > 3 else 1.0
    if css.startswith("rgb"):
        values = [float(v) for v in re.findall(r"[\d.]+", css)]
        return (*values[:3], values[3] if len(values) > 3 else 1.0)
    if css == "white":
        return 255.0, 255.0, 255.0, 1.0
    raise ValueError(f"cannot parse colour {css!r}")


def _split(arguments: str) -> list[str]:
    """Top-level comma-separated arguments (commas inside var(...) stay)."""
    parts, depth, current = [], 0, ""
    for char in arguments:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def over(colour: tuple, background: tuple) -> tuple:
    """``colour`` composited onto an opaque ``background``."""
    alpha = colour[3]
    return (*(alpha * c + (1 - alpha) * b for c, b in zip(colour[:3], background[:3], strict=True)), 1.0)


def luminance(colour: tuple) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = colour[:3]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: tuple, background: tuple) -> float:
    """WCAG 2 contrast ratio, 1 to 21; a translucent foreground is composited first."""
    lighter, darker = sorted((luminance(over(foreground, background)), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
