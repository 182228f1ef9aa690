"""Every route of the application against every kind of visitor, built from ``app.url_map``.

A route missing from ``TABLE`` fails ``test_every_route_is_in_the_table``, so a new page cannot
be forgotten. To declare a new page, add one row: the URL to request (a function of the
``World``, which may make the objects it needs) and the expected status for each visitor.
Respondent pages stay public; everything else needs sign-in (anonymous visitors are sent to
the sign-in page: 302); the wrong role gets 403; another county's object answers 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from surveyapp.areas.services import load_areas
from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Area, Base, Campaign, User
from surveyapp.questionnaires.services import find_version, load_bundled
from tests.accounts.conftest import PASSWORD
from tests.conftest import make_app

VISITORS = ("anonymous", "field_a", "field_b", "evaluator", "admin")
COUNTY_A, COUNTY_B = "530129", "530128"  # 寻甸县, 禄劝县


@dataclass
class World:
    """The application with one campaign per county, a city-wide one, and a user of each kind."""

    app: Flask
    cookies: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)

    def indicator_table(self) -> str:
        """A new indicator table from the source report's template; returns its key."""
        from surveyapp.indicators.services import create_table

        with self.app.app_context():
            made = create_table("kunming-2022-pension-subsidy", user=None)
            db.session.commit()
            return made.key

    def campaign(self, county: str | None, status: str = "open") -> str:
        """A new campaign in ``county`` (None: city-wide); returns its slug."""
        with self.app.app_context():
            area = db.session.scalars(select(Area).where(Area.code == county)).one() if county else None
            version = find_version("kunming-2022-pension-satisfaction")
            assert version is not None
            made = create_campaign(
                version, f"campaign {county}", target_responses=41, area_id=area.id if area else None
            )
            if status == "closed":
                made.close()
            db.session.commit()
            return made.slug


Url = Callable[[World], str]


@dataclass(frozen=True)
class Row:
    """One route and method: how to build its URL and what each visitor gets."""

    url: Url
    expect: dict[str, int]


def everyone(status: int) -> dict[str, int]:
    """Public: every visitor gets ``status``."""
    return dict.fromkeys(VISITORS, status)


def staff(ok: int, *roles: str, other_county: int | None = None) -> dict[str, int]:
    """Sign-in needed: ``roles`` (and the administrator) get ``ok``, other staff 403.

    ``other_county`` is what field staff of county B get for county A's object (404).
    """
    allowed = {*roles, "admin"}
    expected = {v: (ok if v in allowed else 403) for v in VISITORS}
    expected["anonymous"] = 302
    if other_county is not None:
        expected["field_b"] = other_county
    return expected


ALL_STAFF = ("field_a", "field_b", "evaluator")
A_CAMPAIGN: Url = lambda w: w.slugs["a"]  # noqa: E731
Q = "/questionnaires/kunming-2022-pension-satisfaction/v1"
T = "report-2022"  # an indicator table stored from the source report's template
LEAF = "C.1.1.1"

TABLE: dict[tuple[str, str], Row] = {
    # respondents: public
    ("static", "GET"): Row(lambda w: "/static/survey.css", everyone(200)),
    ("survey.index", "GET"): Row(lambda w: "/", everyone(200)),
    ("survey.form", "GET"): Row(lambda w: f"/s/{A_CAMPAIGN(w)}", everyone(200)),
    ("survey.submit", "POST"): Row(lambda w: f"/s/{A_CAMPAIGN(w)}", everyone(422)),
    ("survey.thanks", "GET"): Row(lambda w: f"/s/{A_CAMPAIGN(w)}/thanks", everyone(200)),
    ("survey.again", "POST"): Row(lambda w: f"/s/{A_CAMPAIGN(w)}/again", everyone(303)),
    ("survey.language", "GET"): Row(lambda w: "/language/en", everyone(302)),
    # accounts
    ("accounts.login", "GET"): Row(lambda w: "/login", {**everyone(302), "anonymous": 200}),
    ("accounts.login", "POST"): Row(lambda w: "/login", {**everyone(302), "anonymous": 422}),
    ("accounts.logout", "POST"): Row(lambda w: "/logout", everyone(303)),
    ("accounts.password", "GET"): Row(lambda w: "/account/password", staff(200, *ALL_STAFF)),
    ("accounts.password", "POST"): Row(lambda w: "/account/password", staff(422, *ALL_STAFF)),
    # campaigns
    ("campaigns.index", "GET"): Row(lambda w: "/campaigns/", staff(200, *ALL_STAFF)),
    ("campaigns.new", "GET"): Row(lambda w: "/campaigns/new", staff(200)),
    ("campaigns.new", "POST"): Row(lambda w: "/campaigns/new", staff(422)),
    ("campaigns.detail", "GET"): Row(
        lambda w: f"/campaigns/{A_CAMPAIGN(w)}", staff(200, *ALL_STAFF, other_county=404)
    ),
    ("campaigns.qr_svg_download", "GET"): Row(
        lambda w: f"/campaigns/{A_CAMPAIGN(w)}/qr.svg", staff(200, *ALL_STAFF, other_county=404)
    ),
    ("campaigns.qr_png_download", "GET"): Row(
        lambda w: f"/campaigns/{A_CAMPAIGN(w)}/qr.png", staff(200, *ALL_STAFF, other_county=404)
    ),
    ("campaigns.poster", "GET"): Row(
        lambda w: f"/campaigns/{A_CAMPAIGN(w)}/poster", staff(200, *ALL_STAFF, other_county=404)
    ),
    ("campaigns.close", "POST"): Row(lambda w: f"/campaigns/{w.campaign(COUNTY_A)}/close", staff(303)),
    ("campaigns.reopen", "POST"): Row(
        lambda w: f"/campaigns/{w.campaign(COUNTY_A, 'closed')}/open", staff(303)
    ),
    # questionnaires
    ("questionnaires.index", "GET"): Row(lambda w: "/questionnaires/", staff(200, "evaluator")),
    ("questionnaires.upload", "GET"): Row(lambda w: "/questionnaires/upload", staff(200)),
    ("questionnaires.upload", "POST"): Row(lambda w: "/questionnaires/upload", staff(422)),
    ("questionnaires.detail", "GET"): Row(lambda w: Q, staff(200, "evaluator")),
    ("questionnaires.preview", "GET"): Row(lambda w: f"{Q}/preview", staff(200, "evaluator")),
    ("questionnaires.xlsform", "GET"): Row(lambda w: f"{Q}/xlsform", staff(200, "evaluator")),
    ("questionnaires.publish", "POST"): Row(lambda w: f"{Q}/publish", staff(303)),
    # data entry by field staff
    ("fieldwork.index", "GET"): Row(lambda w: "/entry/", staff(200, "field_a", "field_b")),
    ("fieldwork.entry", "GET"): Row(
        lambda w: f"/entry/{A_CAMPAIGN(w)}", staff(200, "field_a", other_county=404)
    ),
    ("fieldwork.save", "POST"): Row(
        lambda w: f"/entry/{A_CAMPAIGN(w)}", staff(422, "field_a", other_county=404)
    ),
    # administration
    ("users.index", "GET"): Row(lambda w: "/admin/users/", staff(200)),
    ("users.new", "GET"): Row(lambda w: "/admin/users/new", staff(200)),
    ("users.new", "POST"): Row(lambda w: "/admin/users/new", staff(422)),
    ("users.edit", "GET"): Row(lambda w: f"/admin/users/{w.ids['field_a']}", staff(200)),
    ("users.edit", "POST"): Row(lambda w: f"/admin/users/{w.ids['field_a']}", staff(422)),
    ("users.reset_password", "POST"): Row(lambda w: f"/admin/users/{w.ids['field_a']}/password", staff(422)),
    ("areas.index", "GET"): Row(lambda w: "/admin/areas/", staff(200)),
    ("areas.add", "POST"): Row(lambda w: "/admin/areas/", staff(422)),
    ("audit.index", "GET"): Row(lambda w: "/admin/audit/", staff(200)),
    # evaluation of a campaign: evaluators (and administrators) who reach its area
    ("evaluation.index", "GET"): Row(lambda w: "/evaluation/", staff(200, "evaluator")),
    ("evaluation.campaign", "GET"): Row(
        lambda w: f"/evaluation/campaigns/{A_CAMPAIGN(w)}", staff(200, "evaluator")
    ),
    ("evaluation.change_scheme", "POST"): Row(
        lambda w: f"/evaluation/campaigns/{w.campaign(COUNTY_A)}/scheme", staff(422, "evaluator")
    ),
    ("evaluation.download", "GET"): Row(
        lambda w: f"/evaluation/campaigns/{A_CAMPAIGN(w)}/report.xlsx", staff(200, "evaluator")
    ),
    ("evaluation.responses", "GET"): Row(
        lambda w: f"/evaluation/campaigns/{A_CAMPAIGN(w)}/responses.csv", staff(200, "evaluator")
    ),
    # indicator tables: evaluators (and administrators); empty POSTs fail their forms' checks
    ("indicators.index", "GET"): Row(lambda w: "/indicators/", staff(200, "evaluator")),
    ("indicators.index", "POST"): Row(lambda w: "/indicators/", staff(422, "evaluator")),
    ("indicators.show", "GET"): Row(lambda w: f"/indicators/{T}", staff(200, "evaluator")),
    ("indicators.edit_leaf", "GET"): Row(lambda w: f"/indicators/{T}/leaves/{LEAF}", staff(200, "evaluator")),
    # Routes that change a table get a fresh one, so the order of the rows does not matter.
    ("indicators.edit_leaf", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/leaves/{LEAF}", staff(303, "evaluator")
    ),
    ("indicators.link", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/leaves/{LEAF}/link", staff(422, "evaluator")
    ),
    ("indicators.grades", "GET"): Row(lambda w: f"/indicators/{T}/grades", staff(200, "evaluator")),
    ("indicators.grades", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/grades", staff(422, "evaluator")
    ),
    ("indicators.changes", "GET"): Row(lambda w: f"/indicators/{T}/history", staff(200, "evaluator")),
    ("indicators.export_json", "GET"): Row(lambda w: f"/indicators/{T}/export.json", staff(200, "evaluator")),
    ("indicators.export_xlsx", "GET"): Row(lambda w: f"/indicators/{T}/export.xlsx", staff(200, "evaluator")),
    ("indicators.funds", "GET"): Row(lambda w: f"/indicators/{T}/funds", staff(200, "evaluator")),
    ("indicators.funds_add_row", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/funds/rows", staff(422, "evaluator")
    ),
    ("indicators.funds_delete_row", "POST"): Row(
        lambda w: f"/indicators/{T}/funds/rows/999999/delete", staff(404, "evaluator")
    ),
    ("indicators.funds_settings", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/funds/settings", staff(422, "evaluator")
    ),
    ("indicators.funds_import", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/funds/import", staff(422, "evaluator")
    ),
    # distribution: evaluators (and administrators); tracking also for field staff of the county
    ("distribution.campaign", "GET"): Row(
        lambda w: f"/distribution/{A_CAMPAIGN(w)}/", staff(200, "evaluator")
    ),
    ("distribution.upload", "POST"): Row(
        lambda w: f"/distribution/{A_CAMPAIGN(w)}/roster", staff(422, "evaluator")
    ),
    ("distribution.delete", "POST"): Row(
        lambda w: f"/distribution/{A_CAMPAIGN(w)}/roster/delete", staff(409, "evaluator")
    ),
    ("distribution.access", "POST"): Row(
        lambda w: f"/distribution/{A_CAMPAIGN(w)}/access", staff(422, "evaluator")
    ),
    ("distribution.draw", "POST"): Row(
        lambda w: f"/distribution/{A_CAMPAIGN(w)}/sample", staff(422, "evaluator")
    ),
    ("distribution.codes_csv", "GET"): Row(
        lambda w: f"/distribution/{A_CAMPAIGN(w)}/codes.csv", staff(200, "evaluator")
    ),
    ("distribution.cards_pdf_download", "GET"): Row(
        lambda w: f"/distribution/{A_CAMPAIGN(w)}/cards.pdf", staff(200, "evaluator")
    ),
    ("distribution.cards", "GET"): Row(
        lambda w: f"/distribution/{A_CAMPAIGN(w)}/cards", staff(200, "evaluator")
    ),
    ("distribution.tracking", "GET"): Row(
        lambda w: f"/distribution/{A_CAMPAIGN(w)}/tracking", staff(200, *ALL_STAFF, other_county=404)
    ),
    ("distribution.crosscheck", "GET"): Row(lambda w: "/distribution/crosscheck", staff(200, "evaluator")),
    ("distribution.crosscheck", "POST"): Row(lambda w: "/distribution/crosscheck", staff(422, "evaluator")),
}


def _routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }


def _make_users(world: World) -> None:
    from surveyapp.accounts.services import create_user

    with world.app.app_context():
        area = {
            code: db.session.scalars(select(Area).where(Area.code == code)).one()
            for code in (COUNTY_A, COUNTY_B)
        }
        users = {
            "field_a": create_user("field_a", PASSWORD, "field_staff", area=area[COUNTY_A]),
            "field_b": create_user("field_b", PASSWORD, "field_staff", area=area[COUNTY_B]),
            "evaluator": create_user("evaluator", PASSWORD, "evaluator"),
            "admin": create_user("admin", PASSWORD, "admin"),
        }
        db.session.commit()
        world.ids = {name: user.id for name, user in users.items()}


def _make_indicator_table(world: World) -> None:
    from surveyapp.indicators.services import create_table

    with world.app.app_context():
        create_table("kunming-2022-pension-subsidy", user=None, key=T, title="2022 self-evaluation")
        db.session.commit()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[World]:
    """One application for the whole table; CSRF is off so empty POSTs reach the views' checks."""
    app = make_app(Path(tmp_path_factory.mktemp("matrix")), database_url, WTF_CSRF_ENABLED=False)
    with app.app_context():
        if database_url:
            Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        load_areas()
        load_bundled()
        db.session.commit()
    made = World(app)
    _make_indicator_table(made)
    _make_users(made)
    made.slugs = {"a": made.campaign(COUNTY_A), "b": made.campaign(COUNTY_B), "city": made.campaign(None)}
    for visitor in VISITORS[1:]:
        client = app.test_client()
        signed_in = client.post("/login", data={"username": visitor, "password": PASSWORD})
        assert signed_in.status_code == 303
        cookie = client.get_cookie("session")
        assert cookie is not None
        made.cookies[visitor] = cookie.value
    yield made
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _status(world: World, visitor: str, method: str, url: str) -> int:
    client = world.app.test_client()  # a fresh client per request: signing out cannot leak
    if visitor != "anonymous":
        client.set_cookie("session", world.cookies[visitor])
    with client.open(url, method=method) as response:
        if response.status_code == 400:
            print(url, response.get_data(as_text=True)[-1500:])
        return response.status_code


def test_every_route_is_in_the_table(world: World) -> None:
    routes = _routes(world.app)
    assert sorted(routes - TABLE.keys()) == [], "routes without expectations: add them to TABLE"
    assert sorted(TABLE.keys() - routes) == [], "rows for routes that no longer exist"


@pytest.mark.parametrize("route", sorted(TABLE), ids=lambda r: f"{r[1]} {r[0]}")
def test_route_answers_each_visitor_as_expected(world: World, route: tuple[str, str]) -> None:
    _endpoint, method = route
    row = TABLE[route]
    got = {visitor: _status(world, visitor, method, row.url(world)) for visitor in VISITORS}
    assert got == row.expect


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    response = world.app.test_client().get(f"/campaigns/{world.slugs['a']}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_field_staff_of_a_county_do_not_see_another_countys_campaign_in_lists(world: World) -> None:
    client = world.app.test_client()
    client.set_cookie("session", world.cookies["field_a"])
    page = client.get("/campaigns/").get_data(as_text=True)
    assert f"/campaigns/{world.slugs['a']}" in page
    assert f"/campaigns/{world.slugs['b']}" not in page
    assert f"/campaigns/{world.slugs['city']}" not in page  # city-wide data is not a county's


def test_city_wide_campaign_is_open_for_county_entry_but_not_for_reading(world: World) -> None:
    client = world.app.test_client()
    client.set_cookie("session", world.cookies["field_a"])
    assert client.get(f"/entry/{world.slugs['city']}").status_code == 200
    assert client.get(f"/campaigns/{world.slugs['city']}").status_code == 404
    assert client.get(f"/entry/{world.slugs['b']}").status_code == 404


def test_disabled_account_loses_its_session(world: World) -> None:
    with world.app.app_context():
        user = db.session.get(User, world.ids["field_b"])
        assert user is not None
        user.active = False
        db.session.commit()
    try:
        assert _status(world, "field_b", "GET", "/entry/") == 302
    finally:
        with world.app.app_context():
            user = db.session.get(User, world.ids["field_b"])
            assert user is not None
            user.active = True
            db.session.commit()


def test_campaign_fixture_kinds(world: World) -> None:
    with world.app.app_context():
        areas = {c.slug: c.area for c in db.session.scalars(select(Campaign))}
    area_a = areas[world.slugs["a"]]
    assert area_a is not None and area_a.name == "寻甸县"
    assert areas[world.slugs["city"]] is None
