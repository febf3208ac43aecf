"""authlab.Table: HTML in JupyterLab, aligned and wrapped text as its text/plain."""

import authlab


def test_text_form_aligns_and_wraps_long_cells():
    rows = [("Storage", "Right. " + "a denylist stores bytes " * 3), ("Lookup", 1)]
    table = authlab.Table(("aspect", "verdict"), rows)
    lines = str(table).splitlines()
    assert lines[0].split() == ["aspect", "verdict"] and set(lines[1]) <= {"-", " "}
    assert all(len(line) <= 8 + 2 + 32 for line in lines)
    assert lines[2].startswith("Storage  Right.") and lines[3].startswith(" " * 9)  # wrapped under its column
    assert repr(table) == str(table)


def test_html_escapes_cells():
    html = authlab.Table(["<h>"], [["a & <b>"]])._repr_html_()
    assert "&lt;h&gt;" in html and "a &amp; &lt;b&gt;" in html and "<b>" not in html
