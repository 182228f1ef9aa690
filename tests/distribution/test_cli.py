"""The command line: import a roster, draw a sample, export codes, cross-check, delete."""

from __future__ import annotations

import csv
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Campaign, PersonalCode, RosterPerson
from tests.distribution.people import people, roster_csv


def _write(tmp_path: Path, name: str, rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / name
    path.write_bytes(roster_csv(rows, encoding))
    return path


def test_roster_to_codes_by_command_line(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign, tmp_path: Path
) -> None:
    rows = people(90)
    result = runner.invoke(
        args=["roster", "import", campaign.slug, str(_write(tmp_path, "r.csv", rows, "gb18030"))]
    )
    assert result.exit_code == 0, result.output
    assert "90 people imported" in result.output
    result = runner.invoke(args=["sample", "draw", campaign.slug, "--per-county", "10", "--seed", "2022"])
    assert result.exit_code == 0, result.output
    assert "30 people drawn" in result.output  # 3 counties x 10
    out = tmp_path / "codes.csv"
    assert runner.invoke(args=["codes", "export", campaign.slug, "-o", str(out)]).exit_code == 0
    with out.open(encoding="utf-8-sig") as handle:
        listed = list(csv.DictReader(handle))
    assert list(listed[0]) == ["code", "county", "township", "address"]
    assert len(listed) == 30
    assert {row["county"] for row in listed} == {"寻甸县", "禄劝县", "富民县"}
    assert all(row["address"].endswith(f"/s/{campaign.slug}?code={row['code']}") for row in listed)
    assert all(len(row["code"]) <= 8 and not set(row["code"]) & set("01OIL") for row in listed)
    text = out.read_text(encoding="utf-8-sig")
    assert not any(person["姓名"] in text or person["身份证号"] in text for person in rows)
    pdf = tmp_path / "cards.pdf"
    assert runner.invoke(args=["codes", "export", campaign.slug, "-o", str(pdf)]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_same_seed_gives_the_same_sample(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign, tmp_path: Path
) -> None:
    runner.invoke(args=["roster", "import", campaign.slug, str(_write(tmp_path, "r.csv", people(60)))])

    def drawn() -> set[int]:
        assert (
            runner.invoke(
                args=["sample", "draw", campaign.slug, "--fraction", "0.2", "--seed", "7"]
            ).exit_code
            == 0
        )
        with app.app_context():
            return set(db.session.scalars(select(PersonalCode.roster_person_id)))

    first = drawn()
    assert len(first) == 12  # 20 people per county x 0.2 = 4, three counties
    assert drawn() == first


def test_bad_rows_stop_the_import_and_are_listed(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign, tmp_path: Path
) -> None:
    rows = people(5)
    rows[1]["身份证号"] = rows[1]["身份证号"][:-1] + ("1" if rows[1]["身份证号"][-1] != "1" else "2")
    rows[2]["县(市、区)"] = "火星县"
    rows[3]["身份证号"] = rows[0]["身份证号"]
    result = runner.invoke(args=["roster", "import", campaign.slug, str(_write(tmp_path, "r.csv", rows))])
    assert result.exit_code != 0
    assert "Row 3: the check digit of the ID number is wrong." in result.output
    assert "Row 4: the county “火星县” is not one of the known counties." in result.output
    assert "Row 5: the same person is already listed in row 2." in result.output
    assert rows[0]["身份证号"] not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RosterPerson)) == 0


def test_import_is_refused_without_a_key(tmp_path: Path, database_url: str) -> None:
    from surveyapp.areas.services import load_areas
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.models import Base
    from surveyapp.questionnaires.services import find_version, load_bundled
    from tests.conftest import make_app

    keyless = make_app(tmp_path, database_url)
    with keyless.app_context():
        if database_url:
            Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        load_areas()
        load_bundled()
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        slug = create_campaign(version, "keyless").slug
        db.session.commit()
    result = keyless.test_cli_runner().invoke(
        args=["roster", "import", slug, str(_write(tmp_path, "r.csv", people(3)))]
    )
    assert result.exit_code != 0
    assert "SURVEYAPP_ROSTER_KEY" in result.output
    with keyless.app_context():
        db.session.remove()
        db.engine.dispose()


def test_delete_removes_everything_and_is_logged_without_personal_data(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign, tmp_path: Path
) -> None:
    rows = people(30)
    runner.invoke(
        args=["roster", "import", campaign.slug, str(_write(tmp_path, "r.csv", rows)), "--keep-contacts"]
    )
    runner.invoke(args=["sample", "draw", campaign.slug, "--per-county", "2", "--seed", "1"])
    result = runner.invoke(args=["roster", "delete", campaign.slug])
    assert result.exit_code == 0 and "30 people" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RosterPerson)) == 0
        assert db.session.scalar(select(func.count()).select_from(PersonalCode)) == 0
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.startswith("roster"))))
        assert [e.action for e in events] == ["roster.import", "roster.delete"] or sorted(
            e.action for e in events
        ) == ["roster.delete", "roster.import"]
        logged = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert not any(p["姓名"] in logged or p["身份证号"] in logged or p["联系电话"] in logged for p in rows)


def test_crosscheck_prints_the_counts(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    everyone = people(10)
    a = [{"身份证号": p["身份证号"], "补助标准": "200元", "缴费方式": "代缴"} for p in everyone[:7]]
    b = [{"身份证号": p["身份证号"], "补助标准": "200", "缴费方式": "代缴"} for p in everyone[4:]]
    b[0]["补助标准"] = "100"  # person 4: 200 in A, 100 in B
    b[1]["缴费方式"] = "先缴后补"  # person 5
    out = tmp_path / "x.xlsx"
    result = runner.invoke(
        args=[
            "roster",
            "crosscheck",
            str(_write(tmp_path, "a.csv", a)),
            str(_write(tmp_path, "b.csv", b)),
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "on both lists: 3" in result.output
    assert "on list A only: 4" in result.output
    assert "on list B only: 3" in result.output
    assert "in conflict (standard or payment method): 2" in result.output
    book = load_workbook(out, read_only=True)
    cells = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    assert not any(p["身份证号"] in cells for p in everyone)


def test_xlsx_roster_with_english_headers_and_county_names(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    from tests.distribution.people import id_number

    book = Workbook()
    sheet = book.active
    sheet.append(["name", "id_number", "phone", "county", "township", "village", "grade", "category"])
    sheet.append(
        [
            "甲",
            id_number("530129", "19600101", 1),
            "13800000000",
            "寻甸回族彝族自治县",
            "仁德街道",
            "一村",
            3,
            "视力",
        ]
    )
    sheet.append(["乙", id_number("530128", "19610202", 2).lower(), None, "禄劝县", None, None, 4, "肢体"])
    sheet.append(["丙", id_number("530124", "19620303", 3), None, "530124", "款庄镇", None, 3, "听力"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    result = runner.invoke(args=["roster", "import", campaign.slug, str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from surveyapp.models import Area

        counties = db.session.execute(
            select(Area.name).join(RosterPerson, RosterPerson.county_id == Area.id).order_by(Area.code)
        ).scalars()
        assert list(counties) == ["富民县", "禄劝县", "寻甸县"]


def test_campaign_access_by_command_line(runner: FlaskCliRunner, campaign: Campaign) -> None:
    import json

    assert (
        json.loads(runner.invoke(args=["campaign", "show", campaign.slug, "--json"]).output)["access"]
        == "anyone"
    )
    result = runner.invoke(args=["campaign", "access", campaign.slug, "code"])
    assert result.exit_code == 0, result.output
    assert (
        json.loads(runner.invoke(args=["campaign", "show", campaign.slug, "--json"]).output)["access"]
        == "code"
    )
    assert runner.invoke(args=["campaign", "access", campaign.slug, "nobody"]).exit_code != 0
