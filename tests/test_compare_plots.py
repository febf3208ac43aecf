"""lesson 07's plots show what they are for: the cookie-limit crossing in the clear, stores told apart."""

from matplotlib.backends.backend_agg import FigureCanvasAgg

from authlab.compare.plots import growth_figure, wire_figure
from authlab.compare.report import CompareResult
from authlab.compare.storage import COOKIE_LIMIT, Growth, TokenSizes, Wire

CLAIMS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256]


def _result() -> CompareResult:
    cookie = [260 + 25 * n for n in CLAIMS]
    tokens = TokenSizes(claims=CLAIMS, hs256=cookie, rs256=[size + 300 for size in cookie], token_cookie=cookie,
                        session_cookie=[60] * len(CLAIMS), session_record=[100 + 20 * n for n in CLAIMS])
    users = [1, 10, 100, 1000]
    growth = [Growth("memory", users, [118 * n for n in users]), Growth("sqlite", users, [126 * n for n in users])]
    wire = [Wire("session", {"Cookie": 64}, 216), Wire("jwt-header", {"Authorization": 260}, 414)]
    return CompareResult(config={}, tokens=tokens, growth=growth, wire=wire)


def test_the_legend_leaves_the_cookie_limit_crossing_visible():
    figure = wire_figure(_result())
    FigureCanvasAgg(figure).draw()
    axes = figure.axes[1]
    crossing = (COOKIE_LIMIT - 260) / 25  # where the token cookie passes the limit
    point = axes.transData.transform((crossing, COOKIE_LIMIT))
    legend = axes.get_legend().get_window_extent()
    assert not legend.contains(*point), "the legend covers the crossing, the point of the chart"
    assert any("too big for a cookie" in text.get_text() for text in axes.texts)


def test_store_lines_differ_in_marker_and_dash():
    axes = growth_figure(_result()).axes[0]
    styles = {(line.get_marker(), line.get_linestyle()) for line in axes.get_lines()}
    assert len(styles) == len(axes.get_lines()) == 2
