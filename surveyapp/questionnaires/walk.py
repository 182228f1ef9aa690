"""The items of a questionnaire version in order, with the sections they open and close.

Groups nest; each item names its innermost group. The form page, the XLSForm download and any
other reader of a version's structure walk it with :func:`walk_items`, so a nested section is
opened and closed the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

Step = tuple[Literal["open", "close", "item"], Any]


def _chain(group_id: int | None, groups: dict[int, Any]) -> list[int]:
    """The ids of the groups around an item, outermost first."""
    chain: list[int] = []
    while group_id is not None:
        chain.insert(0, group_id)
        group_id = groups[group_id].parent_id
    return chain


def walk_items(version: Any) -> Iterator[Step]:
    """``("open", group)``, ``("item", item)`` and ``("close", group)`` in the order of the page.

    Every group opened is closed, innermost first, before a sibling opens and at the end.
    """
    groups = {g.id: g for g in version.groups}
    open_chain: list[int] = []
    for item in version.items:
        chain = _chain(item.group_id, groups)
        common = 0
        while common < min(len(chain), len(open_chain)) and chain[common] == open_chain[common]:
            common += 1
        for group_id in reversed(open_chain[common:]):
            yield "close", groups[group_id]
        for group_id in chain[common:]:
            yield "open", groups[group_id]
        open_chain = chain
        yield "item", item
    for group_id in reversed(open_chain):
        yield "close", groups[group_id]
