"""The page's skip-logic script and the server read every expression alike, dates included."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from urllib.request import urlopen

import pytest
from playwright.sync_api import BrowserContext

from surveyapp.questionnaires.expressions import evaluate, parse

#: The evaluator of static/relevant.js, taken out of the file as served (nothing is exposed for
#: tests), and run in a blank page, where no Content-Security-Policy forbids building it.
LOAD_JS = """
source => {
  const body = source.slice(source.indexOf("function num"), source.indexOf("function update"));
  window.__evaluate = new Function(body + "; return evaluate;")();
}
"""


CASES: list[tuple[str, dict[str, Any]]] = [
    ("${q} = 'D' or ${q} = 'E'", {"q": "E"}),
    ("selected(${why}, 'slow') and count-selected(${why}) >= 2", {"why": ["slow", "other"]}),
    ("not(${age} > 18)", {"age": "17"}),
    ("${age} > 18", {"age": ""}),
    ("string-length(${name}) mod 3", {"name": "abcd"}),
    ("${end} - ${start}", {"start": "2022-01-01", "end": "2023-01-01"}),
    ("${born} <= today()", {"born": "2001-05-04"}),
    ("${born} <= today()", {"born": "2999-05-04"}),
    ("${day} >= date('2022-12-01') and ${day} < date('2023-01-01')", {"day": "2022-12-31"}),
    ("${day} < date('soon')", {"day": "2022-12-31"}),
    ("regex(${phone}, '^1[0-9]{10}$')", {"phone": "13800000000"}),
]


def _same(server: Any, page: Any) -> bool:
    if isinstance(server, float) and math.isnan(server):
        return page is None  # NaN arrives from the page as null
    if isinstance(server, float):
        return isinstance(page, int | float) and not isinstance(page, bool) and page == server
    return bool(page == server)


@pytest.mark.parametrize(("expression", "answers"), CASES)
def test_page_and_server_agree(
    new_context: Callable[..., BrowserContext], live_server: str, expression: str, answers: dict[str, Any]
) -> None:
    with urlopen(f"{live_server}/static/relevant.js") as served:
        source = served.read().decode("utf-8")
    page = new_context(timezone_id="Asia/Shanghai").new_page()
    page.evaluate(LOAD_JS, source)
    tree = parse(expression)
    in_page = page.evaluate("([tree, answers]) => window.__evaluate(tree, answers)", [tree, answers])
    on_server = evaluate(tree, answers)
    assert _same(on_server, in_page), (expression, on_server, in_page)
