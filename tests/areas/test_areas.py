"""Kunming's counties and districts come preloaded; administrators add townships and villages."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.areas.services import load_areas
from surveyapp.extensions import db
from surveyapp.models import Area, AuditEvent
from tests.accounts.conftest import sign_in
from tests.conftest import PG_URL, csrf_token, make_app

FUNDS_SHEET = Path(str(files("analysis.indicators.tables") / "kunming-2022-funds.csv"))

# The national administrative division codes given for the city and its counties and districts.
NATIONAL_CODES = {
    "530100": "昆明市", "530102": "五华区", "530103": "盘龙区", "530111": "官渡区", "530112": "西山区",
    "530113": "东川区", "530114": "呈贡区", "530115": "晋宁区", "530124": "富民县", "530125": "宜良县",
    "530126": "石林县", "530127": "嵩明县", "530128": "禄劝县", "530129": "寻甸县", "530181": "安宁市",
}  # fmt: skip
ZONES = {"阳宗海", "高新区", "经开区", "滇池旅游度假区"}  # no national code


@pytest.fixture
def areas(app: Flask) -> None:
    with app.app_context():
        load_areas()
        db.session.commit()


def test_the_city_and_its_18_county_level_areas_are_loaded(app: Flask, areas: None) -> None:
    with app.app_context():
        stored = {a.code: a for a in db.session.scalars(select(Area))}
        # 9 areas in the funds table + 9 that get no city money (seed facts section 4) + the city
        assert len(stored) == 19
        assert {code: stored[code].name for code in NATIONAL_CODES} == NATIONAL_CODES
        zones = {a.name for a in stored.values() if not a.code.isdigit()}
        assert zones == ZONES
        city = stored["530100"]
        assert city.level == "city" and city.parent is None
        assert all(a.parent_id == city.id and a.level == "county" for a in stored.values() if a is not city)


def test_loading_twice_adds_nothing(app: Flask, areas: None) -> None:
    with app.app_context():
        assert load_areas() == 0
        assert db.session.scalar(select(func.count()).select_from(Area)) == 19


def test_cost_shares_match_the_reports_funds_table(app: Flask, areas: None) -> None:
    with open(FUNDS_SHEET, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["county"] != "合计"]
    with app.app_context():
        shares = {a.name: a.city_share for a in db.session.scalars(select(Area))}
    for row in rows:  # city : county as 5:5 or 7:3 in the report
        assert shares[row["county"]] == Decimal(row["city_share"]) / 10
    # "市级财政不予补助，由县（市）区级财政承担" for the other districts and zones
    for name in (
        "五华区",
        "盘龙区",
        "官渡区",
        "西山区",
        "呈贡区",
        "安宁市",
        "高新区",
        "经开区",
        "滇池旅游度假区",
    ):
        assert shares[name] == 0


@pytest.mark.skipif(bool(PG_URL), reason="runs the migrations on a fresh SQLite file")
# migrations/env.py still calls Flask-SQLAlchemy's deprecated get_engine() first
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_init_loads_areas_and_is_safe_to_run_twice(tmp_path: Path) -> None:
    fresh = make_app(tmp_path / "fresh", "")
    runner = fresh.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "areas: 19 added" in first.output
    second = runner.invoke(args=["init"])
    assert "areas: already loaded" in second.output
    with fresh.app_context():
        assert db.session.scalar(select(func.count()).select_from(Area)) == 19
        db.engine.dispose()


def _add(client: FlaskClient, parent: int, name: str, code: str = "") -> tuple[int, str]:
    page = client.get("/admin/areas/").get_data(as_text=True)
    response = client.post(
        "/admin/areas/",
        data={"csrf_token": csrf_token(page), "parent": str(parent), "name": name, "code": code},
    )
    return response.status_code, response.get_data(as_text=True)


def test_admin_adds_townships_and_villages(
    app: Flask, client: FlaskClient, areas: None, make_user: Callable[..., int]
) -> None:
    make_user("admin1", "admin")
    sign_in(client, "admin1")
    with app.app_context():
        xundian = db.session.scalars(select(Area).where(Area.code == "530129")).one().id
        city = db.session.scalars(select(Area).where(Area.code == "530100")).one().id
    assert _add(client, xundian, "仁德街道")[0] == 303
    assert _add(client, xundian, "塘子街道")[0] == 303
    with app.app_context():
        made = {a.name: a for a in db.session.scalars(select(Area).where(Area.parent_id == xundian))}
        assert {n: (a.code, a.level) for n, a in made.items()} == {
            "仁德街道": ("530129-001", "township"),
            "塘子街道": ("530129-002", "township"),
        }
        township = made["仁德街道"].id
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "area.create")
            )
            == 2
        )
    assert _add(client, township, "某某社区", "530129001001")[0] == 303
    status, page = _add(client, township, "重复社区", "530129001001")
    assert status == 422 and "已有使用此代码的地区" in page and "重复社区" in page
    assert _add(client, city, "直接挂在市下")[0] == 422  # counties are preloaded, not added by hand
    status, page = _add(client, township, "坏代码社区", "x")
    assert status == 422 and "代码由 2 到 32 个字母、数字和连字符组成" in page and "hyphens" not in page
