"""Areas: the preloaded tree, adding areas below it, and which areas a user reaches.

``kunming.csv`` lists the city and its county-level areas as the source report names them
(禄劝县 is 禄劝彝族苗族自治县, 寻甸县 is 寻甸回族彝族自治县, 阳宗海 is 阳宗海风景名胜区), with the
national administrative division codes. The development zones have no such code; they get
project codes that cannot collide with a national one because they are not numeric:

* ``KM-YZH`` 阳宗海风景名胜区
* ``KM-GXQ`` 昆明高新技术产业开发区 (高新区)
* ``KM-JKQ`` 昆明经济技术开发区 (经开区)
* ``KM-DCLY`` 滇池国家旅游度假区

``city_share`` is the city's share of the subsidy's cost from the report: 0.5 where the city and
county pay 5:5, 0.7 for 7:3, and 0 where the county pays everything.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from surveyapp.accounts.permissions import check_reach
from surveyapp.audit import record
from surveyapp.domain import DomainError
from surveyapp.extensions import db
from surveyapp.models import AREA_LEVELS, Area

AREAS_FILE = Path(str(files("surveyapp.areas") / "kunming.csv"))
CODE = re.compile(r"^[A-Za-z0-9-]{2,32}\Z")


class AreaError(DomainError):
    """An area cannot be added as asked; ``field`` names the form field it is about."""


def read_areas_file(path: Path = AREAS_FILE) -> list[dict[str, str]]:
    """The rows of an areas file (``code,name,level,parent,city_share``), parents first."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load_areas(rows: Iterable[dict[str, str]] | None = None) -> int:
    """Add the areas that are not stored yet; areas already stored are left as they are.

    Returns how many were added. Safe to run on every start.
    """
    existing = {area.code: area for area in db.session.scalars(select(Area))}
    added = 0
    for row in read_areas_file() if rows is None else rows:
        if row["code"] in existing:
            continue
        parent = existing.get(row.get("parent") or "")
        share = (row.get("city_share") or "").strip()
        area = Area(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent=parent,
            city_share=Decimal(share) if share else None,
        )
        db.session.add(area)
        existing[area.code] = area
        added += 1
    db.session.flush()
    return added


def child_level(parent: Area) -> str | None:
    """The level of areas directly below ``parent``; None below a village."""
    index = AREA_LEVELS.index(parent.level)
    return AREA_LEVELS[index + 1] if index + 1 < len(AREA_LEVELS) else None


def _next_code(parent: Area) -> str:
    taken = set(db.session.scalars(select(Area.code).where(Area.code.startswith(f"{parent.code}-"))))
    number = len(taken) + 1
    while f"{parent.code}-{number:03d}" in taken:
        number += 1
    return f"{parent.code}-{number:03d}"


def add_area(parent: Area, name: str, code: str | None = None) -> Area:
    """Add a township below a county, or a village below a township (flushes).

    The parent must lie within the acting user's reach.
    """
    check_reach(parent.id)
    level = child_level(parent)
    if level is None or parent.level == "city":
        raise AreaError(_l("Areas can be added below a county or a township."), field="parent")
    code = (code or "").strip() or _next_code(parent)
    if not CODE.match(code):
        raise AreaError(_l("Codes use 2 to 32 letters, digits and hyphens."), field="code")
    if db.session.scalar(select(Area.id).where(Area.code == code)) is not None:
        raise AreaError(_l("An area with this code already exists."), field="code")
    area = Area(code=code, name=name.strip(), level=level, parent=parent)
    db.session.add(area)
    db.session.flush()
    record("area.create", area, name=area.name, code=area.code, parent=parent.code)
    return area


def ordered_areas(within: int | None = None) -> list[tuple[Area, int]]:
    """Areas in tree order with their depth, all of them or those within one area."""
    areas = {area.id: area for area in db.session.scalars(select(Area))}
    children: dict[int | None, list[Area]] = {}
    for area in areas.values():
        children.setdefault(area.parent_id, []).append(area)
    for siblings in children.values():
        siblings.sort(key=lambda a: a.code)
    roots = [areas[within]] if within is not None and within in areas else children.get(None, [])
    result: list[tuple[Area, int]] = []

    def walk(area: Area, depth: int) -> None:
        result.append((area, depth))
        for child in children.get(area.id, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return result
