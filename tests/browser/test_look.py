"""How the course looks in JupyterLab, Light and Dark: screenshots to look at, and contrast measured in the page.

Lessons 01, 03 and 09 run once for the module; then, in each theme, every sequence diagram and inspector output
they drew is scrolled into view and the WCAG contrast of its text against what lies behind it is computed from
the page's computed styles. Screenshots go to artifacts/screenshots/ (.ci/run lists them).
"""

from __future__ import annotations

import secrets
import shutil
import time
from pathlib import Path

import jwt
import nbformat
import pytest
from wcag import contrast, over, parse

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LESSONS = ("01_sessions", "03_jwt", "09_oauth_oidc")
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
RICH = ".authlab-diagram, .authlab-jwt, .authlab-cookies, .authlab-exchange, .authlab-jwt-inspector"
AA = 4.5
_FIND = "Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.id === id)"  # as conftest's

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser

_SET_THEME = """async (theme) => {
  await window.jupyterapp.commands.execute('apputils:change-theme', {theme});
}"""

# indices of the cells whose outputs hold one of the course's diagrams or inspectors
_RICH_CELLS = f"""(id) => {{
  const widget = {_FIND};
  const marks = ['authlab-diagram', 'authlab-jwt', 'authlab-cookies', 'authlab-exchange', 'widget-view'];
  return widget.content.widgets.map((cell, index) => [index, JSON.stringify(cell.model.toJSON().outputs || [])])
    .filter(([, outputs]) => marks.some(mark => outputs.includes(mark))).map(([index]) => index);
}}"""

_SCROLL_TO = f"""async ([id, index]) => {{
  const widget = {_FIND};
  await widget.content.scrollToItem(index, 'start');
  widget.content.activeCellIndex = index;
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 150)));
}}"""

# marks the cell's first diagram or inspector, for an element screenshot
_MARK = f"""([id, index, selector]) => {{
  const widget = {_FIND};
  document.querySelectorAll('[data-authlab-shot]').forEach(e => e.removeAttribute('data-authlab-shot'));
  const found = widget.content.widgets[index].node.querySelector(selector);
  if (found) found.setAttribute('data-authlab-shot', '');
  return Boolean(found);
}}"""

# Every piece of text in the course's outputs of one cell: its colour, and the backgrounds behind it (innermost
# first): for SVG text the filled shapes it sits on, then the page elements around it.
_SAMPLES = f"""([id, index, selector]) => {{
  const widget = {_FIND};
  const node = widget.content.widgets[index].node;
  const painted = bg => bg && bg !== 'transparent' && bg !== 'rgba(0, 0, 0, 0)';
  const around = element => {{
    const found = [];
    for (let e = element; e; e = e.parentElement) {{
      const bg = getComputedStyle(e).backgroundColor;
      if (painted(bg)) found.push(bg);
    }}
    return found;
  }};
  const samples = [];
  for (const svg of node.querySelectorAll('.authlab-diagram svg')) {{
    const shapes = [...svg.querySelectorAll('rect')].filter(r => getComputedStyle(r).fill !== 'none');
    for (const text of svg.querySelectorAll('text')) {{
      const t = text.getBBox();
      const under = shapes.filter(r => {{
        const b = r.getBBox();
        return b.x <= t.x && b.y <= t.y && b.x + b.width >= t.x + t.width && b.y + b.height >= t.y + t.height;
      }}).map(r => getComputedStyle(r).fill).reverse();
      samples.push({{what: 'diagram', text: text.textContent, colour: getComputedStyle(text).fill,
                     behind: [...under, ...around(svg)]}});
    }}
  }}
  for (const root of node.querySelectorAll(selector)) {{
    if (root.classList.contains('authlab-diagram') || root.parentElement.closest(selector)) continue;
    const what = ['authlab-jwt-inspector', 'authlab-jwt', 'authlab-cookies', 'authlab-exchange']
      .find(name => root.classList.contains(name));
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {{
      const element = text.parentElement;
      if (!text.textContent.trim() || element.closest('textarea, input, select, button')) continue;
      if (element.getClientRects().length === 0) continue;  // not displayed
      samples.push({{what, text: text.textContent.trim().slice(0, 60),
                     colour: getComputedStyle(element).color, behind: around(element)}});
    }}
  }}
  return samples;
}}"""


def _page_background(page) -> tuple:
    css = page.evaluate("() => getComputedStyle(document.body).getPropertyValue('--jp-layout-color0')")
    return parse(css.strip() or "#ffffff")


def _ratio(sample: dict, base: tuple) -> float:
    background = base
    for layer in reversed(sample["behind"]):  # outermost first
        background = over(parse(layer), background)
    return contrast(parse(sample["colour"]), background)


def _set_theme(page, name: str) -> None:
    page.evaluate(_SET_THEME, THEMES[name])
    light = "true" if name == "light" else "false"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'", timeout=30_000)
    time.sleep(0.5)  # the theme's stylesheet is applied a moment after the attribute changes


@pytest.fixture(scope="module")
def lessons(_lab_page):
    """01, 03 and 09 run once in JupyterLab; every test of this module looks at the same outputs."""
    opened = {}
    for name in LESSONS:
        notebook = _lab_page.open(ROOT / "notebooks" / f"{name}.ipynb")
        notebook.run_all()
        assert not notebook.errors(), "\n".join(map(str, notebook.errors()))
        opened[name] = notebook
    yield opened
    _set_theme(_lab_page.page, "light")  # the theme is a user setting: leave it as the other tests expect
    _lab_page.discard_all()


@pytest.fixture(params=list(THEMES))
def theme(request, lessons, _lab_page):
    _set_theme(_lab_page.page, request.param)
    return request.param


def test_screenshots_of_the_lessons(lessons, theme, _lab_page):
    """For people to look at: the first diagram or inspector of each lesson, in the page and on its own."""
    page = _lab_page.page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, notebook in lessons.items():
        page.evaluate("(id) => window.jupyterapp.shell.activateById(id)", notebook.widget_id)
        cells = page.evaluate(_RICH_CELLS, notebook.widget_id)
        assert cells, f"{name}: no diagram or inspector output"
        shots = {f"{name}-{theme}-output.png": cells[0]}
        if name == "03_jwt":  # the live inspector of section 9
            shots[f"{name}-{theme}-inspector.png"] = cells[-1]
        for file, index in shots.items():
            page.evaluate(_SCROLL_TO, [notebook.widget_id, index])
            if file.endswith("-output.png"):
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{theme}.png"))
            assert page.evaluate(_MARK, [notebook.widget_id, index, RICH]), f"{name} cell {index}: nothing drawn"
            page.locator("[data-authlab-shot]").screenshot(path=str(SCREENSHOTS / file))
    assert {f"{name}-{theme}.png" for name in LESSONS} <= {path.name for path in SCREENSHOTS.iterdir()}


def test_text_of_diagrams_and_inspectors_meets_wcag_aa(lessons, theme, _lab_page):
    page = _lab_page.page
    base = _page_background(page)
    ratios = []
    for name, notebook in lessons.items():
        page.evaluate("(id) => window.jupyterapp.shell.activateById(id)", notebook.widget_id)
        for index in page.evaluate(_RICH_CELLS, notebook.widget_id):
            page.evaluate(_SCROLL_TO, [notebook.widget_id, index])
            for sample in page.evaluate(_SAMPLES, [notebook.widget_id, index, RICH]):
                ratios.append((_ratio(sample, base), name, index, sample))
    kinds = {sample["what"] for _, _, _, sample in ratios}
    assert {"diagram", "authlab-jwt", "authlab-jwt-inspector"} <= kinds, kinds
    worst = min(ratios, key=lambda entry: entry[0])
    print(f"{theme}: {len(ratios)} pieces of text, lowest contrast {worst[0]:.2f}:1 "
          f"({worst[1]} cell {worst[2]}: {worst[3]['what']} {worst[3]['text']!r})")
    failing = [f"{ratio:.2f}:1 {name} cell {index} {sample['what']}: {sample['text']!r} "
               f"({sample['colour']} on {sample['behind'] or 'the page'})"
               for ratio, name, index, sample in ratios if ratio < AA]
    assert not failing, f"{theme}: text below {AA}:1\n" + "\n".join(failing[:20])


def test_inspector_verifies_with_a_random_bytes_key(lab):
    """03's case: a key from secrets.token_bytes(32) (not text) in the live inspector says VERIFIED, once."""
    key = secrets.token_bytes(32)
    token = jwt.encode({"sub": "alice", "exp": int(time.time()) + 3600}, key, algorithm="HS256")
    folder = ROOT / "artifacts" / "browser" / f"scratch-{secrets.token_hex(4)}"
    folder.mkdir(parents=True)
    path = folder / "random_key.ipynb"
    source = (f"from authlab.inspect import JWTInspector\n\n"
              f"JWTInspector(token={token!r}, key=bytes.fromhex({key.hex()!r}))")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)],
                                            metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                     "display_name": "Python 3"}}), path)
    try:
        notebook = lab.open(path)
        notebook.run_all()
        assert not notebook.errors(), "\n".join(map(str, notebook.errors()))
        widget = notebook.locator(".authlab-jwt-inspector")
        expect(widget.locator(".authlab-jwt-verdict")).to_contain_text("VERIFIED")
        expect(widget.get_by_text("INVALID_SIGNATURE")).to_have_count(0)
        sentence = widget.locator(".authlab-jwt-verdict").inner_text().replace("VERIFIED", "", 1).strip()
        assert sentence and widget.inner_text().count(sentence) == 1, "one verdict banner, not two"
        expect(widget.locator(".authlab-jwt-key textarea")).to_have_value(key.hex())  # the bytes, losslessly
    finally:
        shutil.rmtree(folder, ignore_errors=True)
