"""Walking the area tree: an area's subtree, and whether one area lies within another.

A neutral home for what both the permissions (which areas a user reaches) and the area and
campaign services need; it imports only the model, so none of them import each other for it.
"""

from __future__ import annotations

from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Area


def _children_map() -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for area_id, parent_id in db.session.execute(select(Area.id, Area.parent_id)):
        children.setdefault(parent_id, []).append(area_id)
    return children


def area_subtree(area_id: int) -> set[int]:
    """The ids of an area and every area below it."""
    children = _children_map()
    found, todo = set(), [area_id]
    while todo:
        current = todo.pop()
        found.add(current)
        todo.extend(children.get(current, []))
    return found


def area_within(area_id: int | None, within_id: int | None) -> bool:
    """Whether area ``area_id`` (None: the whole city) lies in area ``within_id`` (None: the city)."""
    if within_id is None:
        return True
    current = db.session.get(Area, area_id) if area_id is not None else None
    while current is not None:
        if current.id == within_id:
            return True
        current = current.parent
    return False
