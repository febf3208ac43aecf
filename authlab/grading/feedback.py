"""Per-student feedback as one self-contained HTML page: every check, its points and the reason."""

from __future__ import annotations

import html

from authlab.grading.autograde import Result

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }
.pass { color: #1a7f37; } .fail { color: #cf222e; }
pre { background: #f6f8fa; padding: .5rem; white-space: pre-wrap; font-size: .85rem; margin: .3rem 0 0; }
.problems { background: #fff8c5; padding: .5rem 1rem; border-radius: 4px; }
"""


def render(result: Result, lab_id: str) -> str:
    """The feedback page of one graded submission."""
    title = f"{lab_id} — feedback for {result.student}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title><style>{_STYLE}</style></head><body>',
        f"<h1>{_e(title)}</h1>",
        f"<p><strong>{_points(result.score)} of {_points(result.max_score)} points</strong></p>",
    ]
    if result.problems:
        items = "".join(f"<li>{_e(problem)}</li>" for problem in result.problems)
        parts.append(f'<div class="problems"><p>Problems with this notebook:</p><ul>{items}</ul></div>')
    parts.append("<table><tr><th>check</th><th>points</th><th>result</th></tr>")
    for check in result.checks:
        status = "pass" if check.passed else "fail"
        verdict = "passed" if check.passed else _e(check.reason or "failed")
        details = f"<pre>{_e(check.output)}</pre>" if check.output.strip() else ""
        parts.append(
            f"<tr><td>{_e(check.description or check.grade_id)}<br>"
            f"<small><code>{_e(check.grade_id)}</code></small></td>"
            f"<td>{_points(check.points)} / {_points(check.max_points)}</td>"
            f'<td><span class="{status}">{verdict}</span>{details}</td></tr>'
        )
    parts.append("</table></body></html>")
    return "\n".join(parts)


def _points(value: float) -> str:
    return f"{value:g}"


def _e(text: str) -> str:
    return html.escape(str(text))
