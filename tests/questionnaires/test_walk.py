"""Walking a version's items: nested sections open and close in the page's order."""

from __future__ import annotations

from types import SimpleNamespace as NS

from surveyapp.questionnaires.walk import walk_items


def test_nested_sections_open_and_close_innermost_first() -> None:
    outer, inner, other = NS(id=1, parent_id=None), NS(id=2, parent_id=1), NS(id=3, parent_id=None)
    a, b, c, d = NS(group_id=None), NS(group_id=2), NS(group_id=1), NS(group_id=3)
    version = NS(groups=[outer, inner, other], items=[a, b, c, d])
    steps = [(step, node) for step, node in walk_items(version)]
    assert steps == [
        ("item", a),
        ("open", outer), ("open", inner), ("item", b),
        ("close", inner), ("item", c),
        ("close", outer), ("open", other), ("item", d),
        ("close", other),
    ]  # fmt: skip
