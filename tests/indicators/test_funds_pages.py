"""An evaluator enters and imports the funds sheet; every mismatch of the report is flagged."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from importlib.resources import files

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Area, FundsRow
from tests.conftest import csrf_token

FUNDS_CSV = files("analysis.indicators.tables") / "kunming-2022-funds.csv"


def _import(client: FlaskClient, key: str, name: str, data: bytes) -> tuple[int, str]:
    page = client.get(f"/indicators/{key}/funds").get_data(as_text=True)
    response = client.post(
        f"/indicators/{key}/funds/import",
        data={"import-csrf_token": csrf_token(page), "import-file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def _settings(client: FlaskClient, key: str, **values: str) -> int:
    page = client.get(f"/indicators/{key}/funds").get_data(as_text=True)
    form = {"settings-csrf_token": csrf_token(page)} | {f"settings-{k}": v for k, v in values.items()}
    return client.post(f"/indicators/{key}/funds/settings", data=form).status_code


def _rows(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(FundsRow)) or 0


def test_import_the_report_sheet_and_see_every_finding(
    app: Flask, evaluator: FlaskClient, report_table: str
) -> None:
    status, _ = _import(evaluator, report_table, "funds.csv", FUNDS_CSV.read_bytes())
    assert status == 303 and _rows(app) == 9
    # The report prints "23196名" once instead of 23186: entered as the printed total, it is flagged.
    assert (
        _settings(
            evaluator,
            report_table,
            standard="200",
            people_target="20000",
            printed_funds="317.395",
            printed_people="23196",
        )
        == 303
    )
    page = evaluator.get(f"/indicators/{report_table}/funds").get_data(as_text=True)
    assert re.search(r'id="total-funds">317\.395<', page) and re.search(r'id="total-people">23186<', page)
    assert "23186 / 20000 = 115.93%" in page  # 23186 / 20000 = 1.1593
    kinds = re.findall(r'<li data-kind="([a-z_]+)">', page)
    # All nine counties differ from people x 200 元 x city share, and the printed 23196 differs from 23186.
    assert kinds.count("funds_differ_from_rule") == 9 and kinds.count("printed_total_people") == 1
    assert "printed_total_funds" not in kinds
    # 石林县: 1000 x 200 x 5/10 = 100000 元 = 10 万元 against 32 万元: 22 万元 more.
    assert "石林县：下拨资金 32 万元，与 1000 人 × 200 元 × 5/10 = 10 万元不符，相差 22 万元。" in page
    assert "所列人数合计 23196 与各行之和 23186 不符。" in page


def test_enter_rows_by_hand(app: Flask, evaluator: FlaskClient, report_table: str) -> None:
    url = f"/indicators/{report_table}/funds"
    page = evaluator.get(url).get_data(as_text=True)
    ok = evaluator.post(
        f"{url}/rows",
        data={
            "row-csrf_token": csrf_token(page),
            "row-county": "石林县",
            "row-funds": "10",
            "row-people": "1000",
            "row-share": "5:5",
        },
    )
    assert ok.status_code == 303
    page = evaluator.get(url).get_data(as_text=True)
    assert "石林县" in page and "data-kind" not in page  # 1000 x 200 x 0.5 = 10 万元: agrees
    bad = evaluator.post(
        f"{url}/rows",
        data={
            "row-csrf_token": csrf_token(page),
            "row-county": "石林县",
            "row-funds": "13.075元",
            "row-people": "1.5",
            "row-share": "5:5",
        },
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "请输入数字" in text and "请输入整数" in text and 'value="13.075元"' in text
    # 五华区 gets no city money (0:10); a city payment there is flagged, not corrected.
    evaluator.post(
        f"{url}/rows",
        data={
            "row-csrf_token": csrf_token(page),
            "row-county": "五华区",
            "row-funds": "1",
            "row-people": "100",
            "row-share": "0:10",
        },
    )
    assert 'data-kind="city_funds_without_city_share"' in evaluator.get(url).get_data(as_text=True)
    assert _rows(app) == 2


def test_a_bad_import_stores_nothing_and_names_rows_and_columns(
    app: Flask, evaluator: FlaskClient, report_table: str
) -> None:
    assert _import(evaluator, report_table, "funds.csv", FUNDS_CSV.read_bytes())[0] == 303
    bad = (
        "county,funds,people,city_share,county_share\n"
        "石林县,32,1000,5,5\n晋宁区,13.075元,1860,5,6\n石林县,1,2,7,3\n"
    )
    status, page = _import(evaluator, report_table, "bad.csv", bad.encode("utf-8"))
    assert status == 422
    assert "第 3 行，funds 列：13.075元 不是数字。" in page
    assert "第 3 行，承担比例" in page and "第 4 行，县（市、区）：石林县 已在表中。" in page
    assert _rows(app) == 9  # the earlier rows are untouched


def test_import_xlsx_with_chinese_headings(app: Flask, evaluator: FlaskClient, report_table: str) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["县（市、区）", "市级资金（万元）", "补助人数", "承担比例"])
    sheet.append(["寻甸县", 67.432, 4752, "7:3"])
    sheet.append(["合计", 67.432, 4752, None])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _import(evaluator, report_table, "funds.xlsx", buffer.getvalue())[0] == 303
    page = evaluator.get(f"/indicators/{report_table}/funds").get_data(as_text=True)
    # 4752 x 200 x 7/10 = 665280 元 = 66.528 万元 against 67.432: 0.904 万元 more.
    assert "相差 0.904 万元" in page and _rows(app) == 1
    status, page = _import(evaluator, report_table, "funds.txt", b"x")
    assert status == 422 and "请上传 .csv 或 .xlsx 文件。" in page


def test_opening_the_funds_page_stores_nothing(app: Flask, evaluator: FlaskClient, report_table: str) -> None:
    from surveyapp.models import FundsSheet

    page = evaluator.get(f"/indicators/{report_table}/funds")
    assert page.status_code == 200 and 'id="total-funds"' not in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FundsSheet)) == 0
    # The first change stores the sheet.
    assert _settings(evaluator, report_table, standard="200", people_target="20000") == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FundsSheet)) == 1


def test_a_csv_saved_by_chinese_excel_is_imported(
    app: Flask, evaluator: FlaskClient, report_table: str
) -> None:
    # Chinese Excel saves "CSV" as GB18030: read by the same reader as the responses.
    sheet = "县(市、区),市级资金(万元),补助人数,承担比例\n石林县,32,1000,5:5\n晋宁区,13.075,1860,5:5\n"
    status, _ = _import(evaluator, report_table, "使用情况表.csv", sheet.encode("gb18030"))
    assert status == 303 and _rows(app) == 2
    page = evaluator.get(f"/indicators/{report_table}/funds").get_data(as_text=True)
    assert re.search(r'id="total-funds">45\.075<', page) and re.search(r'id="total-people">2860<', page)


def test_rows_name_counties_of_the_area_tree_with_their_cost_share(
    app: Flask, evaluator: FlaskClient, report_table: str
) -> None:
    heading = "county,funds,people,city_share,county_share\n"
    status, page = _import(evaluator, report_table, "a.csv", (heading + "不存在县,1,10,5,5\n").encode())
    assert status == 422 and "第 2 行，县（市、区）：不存在县 不是地区树中的县级地区。" in page
    # 石林县 shares the cost 5:5 (the areas file); a sheet saying 7:3 is refused, not stored twice.
    status, page = _import(evaluator, report_table, "b.csv", (heading + "石林县,32,1000,7,3\n").encode())
    assert status == 422 and "石林县 的承担比例为 5:5（市:县），不是 7:3。" in page
    assert _rows(app) == 0
    with app.app_context():
        area = db.session.scalars(select(Area).where(Area.name == "石林县")).one()
        area.city_share = None  # a county the tree knows no share of takes the sheet's
        db.session.commit()
    assert _import(evaluator, report_table, "c.csv", (heading + "石林县,32,1000,7,3\n").encode())[0] == 303
    with app.app_context():
        row = db.session.scalars(select(FundsRow)).one()
        assert (row.county, row.area.city_share, row.city_share, row.county_share) == (
            "石林县",
            Decimal("0.7"),
            7,
            3,
        )
