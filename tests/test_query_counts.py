"""Every staff list page runs a fixed number of queries, whatever the number of rows it lists.

Each page is read with a few rows, then again after many more rows of the same kinds were added;
the number of SQL statements must not change. A page that loads a relation per row (a campaign's
area, a questionnaire's versions and their questions, a count per campaign) fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from surveyapp.areas.services import load_areas
from surveyapp.extensions import db
from surveyapp.models import Area, QuestionnaireVersion
from tests.accounts.conftest import make_user, sign_in  # noqa: F401 (make_user is a fixture)

FEW, MANY = 2, 12
TEMPLATE = "kunming-2022-pension-subsidy"


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run on the app's engine while the block runs."""
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def queries(app: Flask, client: FlaskClient, path: str) -> int:
    """How many statements one GET of ``path`` runs; the page must answer 200."""
    with counted(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def _counties(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Area.id).where(Area.level == "county").order_by(Area.code)))


def add_rows(app: Flask, start: int, stop: int) -> None:
    """Campaigns (with responses, some in an area, some with a scheme), users, questionnaires, tables."""
    from surveyapp.accounts.services import create_user
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.indicators.services import create_table
    from surveyapp.models import IndicatorChange, IndicatorTable, WeightScheme
    from surveyapp.questionnaires.reading import read_questionnaire_file
    from surveyapp.questionnaires.services import bundled_files, find_version, upload_questionnaire
    from surveyapp.survey.services import Submission, submit_response

    counties = _counties(app)
    with app.app_context():
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        schemes = list(db.session.scalars(select(WeightScheme)))
        codes = [o.code for o in version.scale]
        scored = [q for q in version.questions if q.type == "scale"]
        first = db.session.scalars(select(IndicatorTable).where(IndicatorTable.key == "table-0")).first()
        for i in range(start, stop):
            spec = read_questionnaire_file(bundled_files()[0])
            copy, _created = upload_questionnaire(replace(spec, key=f"copy-{i}"), "copy.yaml")
            copy.published_at = datetime(2022, 5, 1, tzinfo=UTC)
            area = counties[i % len(counties)] if i % 3 else None
            campaign = create_campaign(
                copy if i % 2 else version,
                f"campaign {i}",
                target_responses=10,
                area_id=area,
                weight_scheme=schemes[i % len(schemes)] if schemes and i % 2 else None,
            )
            for k in range(2):
                submit_response(
                    campaign,
                    Submission(f"q{i}-{k}", {q.number: codes[0] for q in scored}, area_id=area),
                )
            area_row = db.session.get(Area, area) if area else None
            role = ("evaluator", "field_staff")[i % 2]
            user = create_user(f"user{i}", "correct horse battery", role, area=area_row)
            table = create_table(TEMPLATE, key=f"table-{i}", campaign=campaign, area_id=area)
            db.session.add(IndicatorChange(table_id=(first or table).id, field="actual", user=user))
            first = first or table
        db.session.commit()


@pytest.fixture
def admin(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., int],  # noqa: F811
    questionnaire: QuestionnaireVersion,
) -> FlaskClient:
    from surveyapp.scoring.schemes import load_builtin_schemes

    with app.app_context():
        load_areas()
        load_builtin_schemes()
        db.session.commit()
    make_user("admin1", "admin")
    assert sign_in(client, "admin1") == 303
    return client


STAFF_LIST_PAGES = [
    "/",
    "/campaigns/",
    "/evaluation/",
    "/questionnaires/",
    "/admin/users/",
    "/admin/audit/",
    "/admin/areas/",
    "/indicators/",
    "/entry/",
    "/indicators/table-0/history",
]


def test_staff_list_pages_run_the_same_queries_for_many_rows(app: Flask, admin: FlaskClient) -> None:
    add_rows(app, 0, FEW)
    for path in STAFF_LIST_PAGES:
        admin.get(path)  # warm whatever a first request loads once
    few = {path: queries(app, admin, path) for path in STAFF_LIST_PAGES}
    add_rows(app, FEW, MANY)
    many = {path: queries(app, admin, path) for path in STAFF_LIST_PAGES}
    assert many == few
