"""What 02_cookies says only a real browser shows, checked in a real Chromium against the notebook's own apps."""

import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser


def _notebook_namespace(path: Path) -> dict:
    """Run the notebook's code cells, all but the clean-up cell, in one namespace (no kernel)."""
    namespace: dict = {}
    cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    for index, cell in enumerate(cells[:-1]):
        exec(compile(cell.source, f"{path.name}, code cell {index}", "exec"), namespace)  # noqa: S102
    return namespace


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        except sync_api.Error as error:
            pytest.skip(f"no Chromium to drive: {error}")
        yield browser
        browser.close()


def test_httponly_hidden_from_page_script_and_samesite_holds_back_cross_site_requests(chromium):
    lesson = _notebook_namespace(ROOT / "notebooks" / "02_cookies.ipynb")
    page = chromium.new_page()
    try:
        page.goto(lesson["demo"].url + "/browser")
        assert page.text_content("#seen") == "visible=1; strict=1"  # HttpOnly "hidden" is not there

        page.goto(lesson["other_link"])
        page.click("a")
        assert '"cookie_header":"visible=1; hidden=1"' in page.text_content("pre")  # a link: the Lax ones

        page.goto(lesson["other_link"])
        page.click("button")
        assert '"cookie_header":null' in page.text_content("pre")  # another site's form: none
    finally:
        page.close()
