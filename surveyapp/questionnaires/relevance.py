"""Which questions of a version are asked, given the answers so far (XLSForm ``relevant``).

Items are decided in order, so a question's ``relevant`` sees the answers before it; a group that
is not relevant makes every item in it not relevant. A question that is not relevant is not
required, its answer (if a browser sent one) is dropped, and it is not scored: the statistics
table counts it as not asked. The server decides this for every channel (the public form, data
entry, imports) through :func:`asked_names`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from surveyapp.questionnaires.expressions import ExpressionError, Node, holds, parse


@lru_cache(maxsize=2048)
def compiled(expression: str | None) -> Node | None:
    """The expression's tree, read once; None for no expression or one that cannot be read."""
    if not expression:
        return None
    try:
        return parse(expression)
    except ExpressionError:
        return None  # files are checked when loaded; a stored unreadable one means "always"


def asked_names(version: Any, values: Mapping[str, Any]) -> set[str]:
    """The names of the items that are asked, given answers by question name."""
    group_asked: dict[int, bool] = {}
    for group in version.groups:  # ordered by position: a parent comes before its children
        parent = group_asked.get(group.parent_id, True) if group.parent_id else True
        group_asked[group.id] = parent and holds(compiled(group.relevant), values)
    asked: set[str] = set()
    known: dict[str, Any] = {}
    for item in version.items:
        name, relevant, group_id = item.name, item.relevant, item.group_id  # each read once
        if group_id and not group_asked.get(group_id, True):
            continue
        if relevant and not holds(compiled(relevant), known):
            continue
        asked.add(name)
        if name in values:
            known[name] = values[name]
    return asked
