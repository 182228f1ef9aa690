"""Field staff type paper questionnaires into a spreadsheet; an evaluator imports it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import Workbook
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Area, AuditEvent, Campaign, Response
from surveyapp.scoring.services import campaign_statistics
from tests.scoring.conftest import load

HEADER = "id,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10,area,channel,submitted_at"
ROWS = [
    "p-001,A,A,A,A,A,A,A,A,A,A,寻甸县,paper,2022-05-03 10:30",
    "p-002,B,B,B,B,B,B,B,B,B,B,530129,,2022/05/04",
    "p-003,a,A,A,A,A,A,A,A,A,B,,interview,",
]


def _stored(app: Flask, campaign: Campaign) -> int:
    with app.app_context():
        return (
            db.session.scalar(
                select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)
            )
            or 0
        )


@pytest.fixture
def county(app: Flask) -> None:
    with app.app_context():
        db.session.add(Area(code="530129", name="寻甸县", level="county"))
        db.session.commit()


def _write(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_excel_encoding_imports_once(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign, county: None, tmp_path: Path, encoding: str
) -> None:
    file = _write(tmp_path / "paper.csv", [HEADER, *ROWS], encoding)
    first = runner.invoke(args=["responses", "import", campaign.slug, str(file)])
    assert first.exit_code == 0, first.output
    assert "3 rows, 3 added" in first.output
    again = runner.invoke(args=["responses", "import", campaign.slug, str(file)])
    assert "3 rows, 0 added, 3 already imported" in again.output
    assert _stored(app, campaign) == 3
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "responses.import")).all()
        assert [(e.details["file"], e.details["rows"], e.details["added"]) for e in events] == [
            ("paper.csv", 3, 3),
            ("paper.csv", 3, 0),
        ]
    with app.app_context():
        responses = {r.submission_id: r for r in db.session.scalars(select(Response))}
        area_id = db.session.scalar(select(Area.id).where(Area.code == "530129"))
        first_row = responses["import:p-001"]
        assert first_row.channel == "paper" and first_row.area_id == area_id
        # 10:30 in Kunming (UTC+8) is 02:30 UTC.
        assert first_row.submitted_at == datetime(2022, 5, 3, 2, 30, tzinfo=UTC)
        assert responses["import:p-002"].channel == "import" and responses["import:p-002"].area_id == area_id
        assert responses["import:p-003"].channel == "interview"
        table = campaign_statistics(load(campaign)).as_dict()
    # q1: A, B, A (lower-case 'a' is A) -> 2/3 x 10 + 1/3 x 10 x 0.9 = 9.6667 -> 9.67
    assert table["questions"][0]["score"] == 9.67


def test_rows_without_id_are_keyed_by_content_and_position(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign, tmp_path: Path
) -> None:
    header = "q1,q2,q3,q4,q5,q6,q7,q8,q9,q10"
    same = "A,A,A,A,A,A,A,A,A,A"
    file = _write(tmp_path / "a.csv", [header, same, same], "utf-8")
    assert "2 added" in runner.invoke(args=["responses", "import", campaign.slug, str(file)]).output
    # Two identical paper forms are two respondents; a row appended later is the only new one.
    longer = _write(tmp_path / "a.csv", [header, same, same, "B,B,B,B,B,B,B,B,B,B"], "utf-8")
    result = runner.invoke(args=["responses", "import", campaign.slug, str(longer)])
    assert "3 rows, 1 added, 2 already imported" in result.output
    assert _stored(app, campaign) == 3


def test_xlsx_imports(app: Flask, runner: FlaskCliRunner, campaign: Campaign, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["ID", *[f"Q{n}" for n in range(1, 11)], "submitted_at"])
    sheet.append([1, *["A"] * 10, datetime(2022, 5, 3, 10, 30)])
    sheet.append([2, *["B"] * 10, None])
    sheet.append([None] * 12)  # a blank line left at the end
    path = tmp_path / "paper.xlsx"
    book.save(path)
    result = runner.invoke(args=["responses", "import", campaign.slug, str(path)])
    assert result.exit_code == 0, result.output
    assert "2 rows, 2 added" in result.output
    with app.app_context():
        table = campaign_statistics(load(campaign)).as_dict()
    assert table["score"] == 95.0  # (100 + 90) / 2


def test_bad_rows_are_all_reported_and_nothing_is_stored(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign, county: None, tmp_path: Path
) -> None:
    lines = [
        HEADER,
        ROWS[0],
        "p-002,F,A,A,A,A,A,A,A,A,A,,,",
        "p-003,A,,A,A,A,A,A,A,A,A,石林县,bus,yesterday",
        "p-001,A,A,A,A,A,A,A,A,A,A,,,",
    ]
    file = _write(tmp_path / "bad.csv", lines, "utf-8")
    result = runner.invoke(args=["responses", "import", campaign.slug, str(file)])
    assert result.exit_code != 0
    for expected in [
        "row 3, column q1: 'F' is not an option (A, B, C, D, E)",
        "row 4, column q2: empty, but the question must be answered",
        "row 4, column channel: 'bus' is not one of qr, interview, paper, import",
        "row 4, column submitted_at: 'yesterday' is not a date",
        "row 4, column area: no area with the code or name '石林县'",
        "row 5, column id: the same id as row 2",
        "nothing was imported",
    ]:
        assert expected in result.output
    assert _stored(app, campaign) == 0


def test_unknown_and_missing_columns_are_refused(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign, tmp_path: Path
) -> None:
    file = _write(
        tmp_path / "cols.csv", ["q1,q2,q3,q4,q5,q6,q7,q8,q9,q11,name", "A,A,A,A,A,A,A,A,A,A,张三"], "utf-8"
    )
    result = runner.invoke(args=["responses", "import", campaign.slug, str(file)])
    assert "row 1, column q11: unknown column" in result.output
    assert "row 1, column name: unknown column" in result.output
    assert "row 1, column q10: the column is missing" in result.output
    assert _stored(app, campaign) == 0
