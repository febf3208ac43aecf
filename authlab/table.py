"""A table of plain values that shows as HTML in JupyterLab and as aligned text everywhere else.

    authlab.Table(("aspect", "session", "JWT"), [("Storage", "in the store", "in the token")])

In a notebook it renders as an HTML table; its text form (``print``, the text/plain output that
exporters, screen readers and terminals use) has the same rows with long cells wrapped.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

from authlab.theme import BORDER


class Table:
    def __init__(self, head: Iterable[object], rows: Iterable[Iterable[object]], *, wrap: int = 32):
        self.head = [str(cell) for cell in head]
        self.rows = [[str(cell) for cell in row] for row in rows]
        self.wrap = wrap

    def __str__(self) -> str:
        grid = [self.head, *self.rows]
        widths = [min(max(len(row[i]) for row in grid), self.wrap) for i in range(len(self.head))]
        lines = []
        for number, row in enumerate(grid):
            cells = [textwrap.wrap(cell, width) or [""] for cell, width in zip(row, widths, strict=True)]
            for depth in range(max(map(len, cells))):
                parts = [(cell[depth] if depth < len(cell) else "").ljust(width)
                         for cell, width in zip(cells, widths, strict=True)]
                lines.append("  ".join(parts).rstrip())
            if number == 0:
                lines.append("  ".join("-" * width for width in widths))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        style = f"text-align:left; vertical-align:top; padding:2px 8px; border-bottom:1px solid {BORDER}"

        def cells(row: list[str], tag: str) -> str:
            return "".join(f'<{tag} style="{style}">{html.escape(cell)}</{tag}>' for cell in row)

        body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in self.rows)
        return f'<table style="border-collapse:collapse"><tr>{cells(self.head, "th")}</tr>{body}</table>'
