"""Every route of the application against every kind of visitor, built from ``app.url_map``.

A route missing from ``TABLE`` fails ``test_every_route_is_in_the_table``, so a new page cannot
be forgotten. To declare a new page, add one row: the URL to request (a function of the
``World``, which may make the objects it needs) and the expected status for each visitor.
Respondent pages stay public; everything else needs sign-in (anonymous visitors are sent to
the sign-in page: 302); the wrong role gets 403; another county's object answers 404.

Every role has a county-bound visitor (``field_a``, ``evaluator_a``, ``admin_a``, all bound to
county A): they get what their city-wide counterpart gets for county A's objects, and 404 for
city-wide ones such as the city's indicator table. The tests after the table post what an
attacker would to widen a county user's reach, and check it is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.areas.services import load_areas
from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Area, Base, Campaign, User
from surveyapp.questionnaires.services import find_version, load_bundled
from tests.accounts.conftest import PASSWORD
from tests.conftest import make_app

VISITORS = ("anonymous", "field_a", "field_b", "evaluator", "evaluator_a", "admin", "admin_a")
#: The county-bound visitor of each role and the city-wide visitor it mirrors.
COUNTY_BOUND = {"evaluator_a": "evaluator", "admin_a": "admin"}
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


def staff(ok: int, *roles: str, other_county: int | None = None, city_wide: bool = False) -> dict[str, int]:
    """Sign-in needed: ``roles`` (and the administrators) get ``ok``, other staff 403.

    ``other_county`` is what field staff of county B get for county A's object (404).
    ``city_wide`` marks a city-wide object: county-bound visitors allowed in get 404 for it.
    """
    allowed = {*roles, "admin"}
    allowed |= {bound for bound, mirrored in COUNTY_BOUND.items() if mirrored in allowed}
    expected = {v: (ok if v in allowed else 403) for v in VISITORS}
    expected["anonymous"] = 302
    if other_county is not None:
        expected["field_b"] = other_county
    if city_wide:
        expected.update({v: 404 for v in COUNTY_BOUND if expected[v] != 403})
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
    ("survey.display", "GET"): Row(lambda w: "/display?display=large", everyone(303)),
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
    ("campaigns.limits", "POST"): Row(lambda w: f"/campaigns/{w.campaign(COUNTY_A)}/limits", staff(303)),
    # the data-quality panel: an unknown response is refused with a message on the page
    ("quality.exclude", "POST"): Row(
        lambda w: f"/evaluation/campaigns/{w.campaign(COUNTY_A)}/responses/999999/exclude",
        staff(303, "evaluator"),
    ),
    ("quality.restore", "POST"): Row(
        lambda w: f"/evaluation/campaigns/{w.campaign(COUNTY_A)}/responses/999999/restore",
        staff(303, "evaluator"),
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
    ("fieldwork.paper", "GET"): Row(
        lambda w: f"/entry/{A_CAMPAIGN(w)}/paper", staff(200, "field_a", other_county=404)
    ),
    ("fieldwork.paper_save", "POST"): Row(
        lambda w: f"/entry/{A_CAMPAIGN(w)}/paper", staff(422, "field_a", other_county=404)
    ),
    ("fieldwork.correct", "GET"): Row(
        lambda w: f"/entry/{A_CAMPAIGN(w)}/responses/999999/correct", staff(404, "field_a", other_county=404)
    ),
    ("fieldwork.correct", "POST"): Row(
        lambda w: f"/entry/{A_CAMPAIGN(w)}/responses/999999/correct", staff(404, "field_a", other_county=404)
    ),
    # the offline device's sync answers JSON: 401 rather than a redirect to the sign-in page
    ("fieldwork.sync", "POST"): Row(
        lambda w: f"/entry/{A_CAMPAIGN(w)}/sync?kind=paper",
        {**staff(422, "field_a", other_county=404), "anonymous": 401},
    ),
    ("fieldwork.token", "GET"): Row(
        lambda w: "/entry/sync/token", {**staff(200, "field_a", "field_b"), "anonymous": 401}
    ),
    ("fieldwork.service_worker", "GET"): Row(lambda w: "/entry/sw.js", everyone(200)),
    # administration
    ("users.index", "GET"): Row(lambda w: "/admin/users/", staff(200)),
    ("users.new", "GET"): Row(lambda w: "/admin/users/new", staff(200)),
    ("users.new", "POST"): Row(lambda w: "/admin/users/new", staff(422)),
    ("users.edit", "GET"): Row(lambda w: f"/admin/users/{w.ids['field_a']}", staff(200)),
    ("users.edit", "POST"): Row(lambda w: f"/admin/users/{w.ids['field_a']}", staff(422)),
    ("users.reset_password", "POST"): Row(lambda w: f"/admin/users/{w.ids['field_a']}/password", staff(422)),
    ("users.unlock", "POST"): Row(lambda w: f"/admin/users/{w.ids['field_a']}/unlock", staff(303)),
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
    ("evaluation.responses_statistical", "GET"): Row(
        lambda w: f"/evaluation/campaigns/{A_CAMPAIGN(w)}/responses.sav", staff(200, "evaluator")
    ),
    # indicator tables: evaluators (and administrators); empty POSTs fail their forms' checks
    ("indicators.index", "GET"): Row(lambda w: "/indicators/", staff(200, "evaluator")),
    ("indicators.index", "POST"): Row(lambda w: "/indicators/", staff(422, "evaluator")),
    ("indicators.show", "GET"): Row(lambda w: f"/indicators/{T}", staff(200, "evaluator", city_wide=True)),
    ("indicators.edit_leaf", "GET"): Row(
        lambda w: f"/indicators/{T}/leaves/{LEAF}", staff(200, "evaluator", city_wide=True)
    ),
    # Routes that change a table get a fresh one, so the order of the rows does not matter.
    ("indicators.edit_leaf", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/leaves/{LEAF}", staff(303, "evaluator", city_wide=True)
    ),
    ("indicators.link", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/leaves/{LEAF}/link",
        staff(422, "evaluator", city_wide=True),
    ),
    ("indicators.grades", "GET"): Row(
        lambda w: f"/indicators/{T}/grades", staff(200, "evaluator", city_wide=True)
    ),
    ("indicators.grades", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/grades", staff(422, "evaluator", city_wide=True)
    ),
    ("indicators.changes", "GET"): Row(
        lambda w: f"/indicators/{T}/history", staff(200, "evaluator", city_wide=True)
    ),
    ("indicators.export_json", "GET"): Row(
        lambda w: f"/indicators/{T}/export.json", staff(200, "evaluator", city_wide=True)
    ),
    ("indicators.export_xlsx", "GET"): Row(
        lambda w: f"/indicators/{T}/export.xlsx", staff(200, "evaluator", city_wide=True)
    ),
    ("funds.sheet", "GET"): Row(lambda w: f"/indicators/{T}/funds", staff(200, "evaluator", city_wide=True)),
    ("indicators.export_docx", "GET"): Row(
        lambda w: f"/indicators/{T}/export.docx", staff(200, "evaluator", city_wide=True)
    ),
    ("funds.add_row", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/funds/rows", staff(422, "evaluator", city_wide=True)
    ),
    ("funds.delete_row", "POST"): Row(
        lambda w: f"/indicators/{T}/funds/rows/999999/delete", staff(404, "evaluator", city_wide=True)
    ),
    ("funds.settings", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/funds/settings", staff(422, "evaluator", city_wide=True)
    ),
    ("funds.import_file", "POST"): Row(
        lambda w: f"/indicators/{w.indicator_table()}/funds/import", staff(422, "evaluator", city_wide=True)
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
            "evaluator_a": create_user("evaluator_a", PASSWORD, "evaluator", area=area[COUNTY_A]),
            "admin": create_user("admin", PASSWORD, "admin"),
            "admin_a": create_user("admin_a", PASSWORD, "admin", area=area[COUNTY_A]),
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
        made.cookies[visitor] = _sign_in(app, visitor)
    yield made
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _sign_in(app: Flask, username: str) -> str:
    """Sign in as ``username``; the session cookie's value."""
    client = app.test_client()
    signed_in = client.post("/login", data={"username": username, "password": PASSWORD})
    assert signed_in.status_code == 303
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _status(world: World, visitor: str, method: str, url: str) -> int:
    client = world.app.test_client()  # a fresh client per request
    if visitor != "anonymous":
        client.set_cookie("session", world.cookies[visitor])
    with client.open(url, method=method) as response:
        if response.status_code == 400:
            print(url, response.get_data(as_text=True)[-1500:])
        status = response.status_code
    if url == "/logout" and visitor != "anonymous":
        # Signing out ends every copy of the session, the world's own included: sign in again.
        world.cookies[visitor] = _sign_in(world.app, visitor)
    return status


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


# What a county-bound user might post to widen its reach: each is refused, and nothing changes.


def _client(world: World, visitor: str) -> FlaskClient:
    client = world.app.test_client()
    client.set_cookie("session", world.cookies[visitor])
    return client


def _area_id(world: World, code: str) -> int:
    with world.app.app_context():
        return db.session.scalars(select(Area.id).where(Area.code == code)).one()


def _user_area(world: World, name: str) -> int | None:
    with world.app.app_context():
        return db.session.scalars(select(User.area_id).where(User.username == name)).one()


@pytest.mark.parametrize("area", ["", COUNTY_B])
def test_county_administrator_cannot_unbind_or_move_itself(world: World, area: str) -> None:
    own = world.ids["admin_a"]
    sent = {"role": "admin", "area": str(_area_id(world, area)) if area else "", "active": "y"}
    response = _client(world, "admin_a").post(f"/admin/users/{own}", data=sent)
    assert response.status_code == 422
    assert _user_area(world, "admin_a") == _area_id(world, COUNTY_A)


@pytest.mark.parametrize("area", ["", COUNTY_B])
def test_county_administrator_cannot_make_an_account_beyond_its_county(world: World, area: str) -> None:
    sent = {
        "username": f"widened{area or 'city'}",
        "role": "admin",
        "area": str(_area_id(world, area)) if area else "",
        "new_password": PASSWORD,
        "confirm_password": PASSWORD,
    }
    response = _client(world, "admin_a").post("/admin/users/new", data=sent)
    assert response.status_code == 422
    with world.app.app_context():
        assert db.session.scalars(select(User).where(User.username == sent["username"])).first() is None


def test_county_administrator_cannot_edit_another_countys_account(world: World) -> None:
    client = _client(world, "admin_a")
    target = world.ids["field_b"]
    sent = {"role": "field_staff", "area": str(_area_id(world, COUNTY_A)), "active": "y"}
    assert client.post(f"/admin/users/{target}", data=sent).status_code == 404
    assert client.post(f"/admin/users/{world.ids['evaluator']}", data=sent).status_code == 404
    assert _user_area(world, "field_b") == _area_id(world, COUNTY_B)


def test_county_user_cannot_widen_reach_through_the_services(world: World) -> None:
    """The services refuse on their own, whatever view or form calls them."""
    from flask_login import login_user

    from surveyapp.accounts.permissions import OutOfReach
    from surveyapp.accounts.services import create_user, update_user
    from surveyapp.indicators.services import create_table

    with world.app.test_request_context():
        admin = db.session.get(User, world.ids["admin_a"])
        assert admin is not None
        login_user(admin)
        with pytest.raises(OutOfReach):
            update_user(admin, role="admin", area=None, display_name=None, active=True)
        with pytest.raises(OutOfReach):
            create_user("citywide", PASSWORD, "admin", area=None)
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        with pytest.raises(OutOfReach):
            create_campaign(version, "city-wide by a county", area_id=None)
        with pytest.raises(OutOfReach):
            create_table("kunming-2022-pension-subsidy", user=admin)
        db.session.rollback()
        assert admin.area_id == _area_id(world, COUNTY_A)


@pytest.mark.parametrize("area", ["", COUNTY_B])
def test_county_administrator_cannot_start_a_campaign_beyond_its_county(world: World, area: str) -> None:
    with world.app.app_context():
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        sent = {"name": f"widened {area}", "version": str(version.id)}
    sent["area"] = str(_area_id(world, area)) if area else ""
    response = _client(world, "admin_a").post("/campaigns/new", data=sent)
    assert response.status_code == 422
    with world.app.app_context():
        assert db.session.scalars(select(Campaign).where(Campaign.name == sent["name"])).first() is None


def test_county_administrator_cannot_close_another_countys_or_the_citys_campaign(world: World) -> None:
    client = _client(world, "admin_a")
    assert client.post(f"/campaigns/{world.slugs['b']}/close").status_code == 404
    assert client.post(f"/campaigns/{world.slugs['city']}/close").status_code == 404
    with world.app.app_context():
        assert all(
            c.status == "open"
            for c in db.session.scalars(
                select(Campaign).where(Campaign.slug.in_([world.slugs["b"], world.slugs["city"]]))
            )
        )


def test_county_evaluator_makes_tables_of_its_county_only_and_sees_only_those(world: World) -> None:
    client = _client(world, "evaluator_a")
    base = {"template": "kunming-2022-pension-subsidy"}
    assert client.post("/indicators/", data={**base, "key": "a-city", "area": ""}).status_code == 422
    other = str(_area_id(world, COUNTY_B))
    assert client.post("/indicators/", data={**base, "key": "a-other", "area": other}).status_code == 422
    own = str(_area_id(world, COUNTY_A))
    assert client.post("/indicators/", data={**base, "key": "a-own", "area": own}).status_code == 303
    listed = client.get("/indicators/").get_data(as_text=True)
    assert "/indicators/a-own" in listed
    assert f"/indicators/{T}" not in listed  # the city's table
    city_list = _client(world, "evaluator").get("/indicators/").get_data(as_text=True)
    assert "/indicators/a-own" in city_list and f"/indicators/{T}" in city_list


def test_county_table_follows_no_campaign_beyond_its_area(world: World) -> None:
    client = _client(world, "evaluator_a")
    own = str(_area_id(world, COUNTY_A))
    data = {"template": "kunming-2022-pension-subsidy", "key": "a-links", "area": own}
    assert client.post("/indicators/", data=data).status_code == 303
    satisfaction = "C.3.1.1"  # the leaf that follows the survey's score
    page = client.get(f"/indicators/a-links/leaves/{satisfaction}").get_data(as_text=True)
    assert world.slugs["a"] in page
    assert world.slugs["b"] not in page and world.slugs["city"] not in page
    assert "campaign 530128" not in page and "campaign None" not in page  # no other names either
    url = f"/indicators/a-links/leaves/{satisfaction}/link"
    for slug in (world.slugs["b"], world.slugs["city"]):
        sent = {"link-kind": "campaign_score", "link-campaign": slug}
        assert client.post(url, data=sent).status_code == 422
    sent = {"link-kind": "campaign_score", "link-campaign": world.slugs["a"]}
    assert client.post(url, data=sent).status_code == 303


def test_county_administrator_sees_only_its_reachs_audit_events(world: World) -> None:
    page = _client(world, "admin_a").get("/admin/audit/?action=campaign.create").get_data(as_text=True)
    assert "campaign 530129" in page  # county A's campaign, made on the command line
    assert "campaign 530128" not in page and "campaign None" not in page
    city_page = _client(world, "admin").get("/admin/audit/?action=campaign.create").get_data(as_text=True)
    assert "campaign 530128" in city_page and "campaign None" in city_page
