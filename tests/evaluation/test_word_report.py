"""An evaluator pastes the satisfaction section into the report: the Word file holds it whole."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from flask.testing import FlaskClient, FlaskCliRunner
from PIL import Image

from surveyapp.models import Campaign
from tests.accounts.conftest import sign_in


def _texts(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _read(runner: FlaskCliRunner, campaign: Campaign, tmp_path: Path) -> Document:
    target = tmp_path / "report.docx"
    result = runner.invoke(args=["report", campaign.slug, "--format", "docx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    return Document(str(target))


def test_word_section_has_the_sentence_table_and_chart(
    runner: FlaskCliRunner, report_campaign: Campaign, tmp_path: Path
) -> None:
    document = _read(runner, report_campaign, tmp_path)
    body = "\n".join(p.text for p in document.paragraphs)
    # The report's sentence (seed §1: 41 handed out, 41 valid), with the table's score.
    assert "共计发放问卷41份，收回有效问卷41份，群众满意度综合得分为98.00分" in body
    assert "满意度调查问卷统计表" in body
    [table] = document.tables
    rows = _texts(table)
    assert rows[0][:3] == ["问卷题目及选项", "项目", "选项"] and rows[0][-1] == "合计人数"
    assert rows[1][2:7] == ["A（非常满意）", "B（满意）", "C（一般）", "D（不满意）", "E（很不满意）"]
    assert rows[2] == ["1.您对该项目2022年工作的总体评价是：", "人数", "34", "7", "0", "0", "0", "41"]
    assert rows[3][1:] == ["占比", "82.93%", "17.07%", "0.00%", "0.00%", "0.00%", "100.00%"]
    assert rows[4][0] == rows[2][0]  # the question's cell is merged down its three rows
    assert rows[4][1:] == ["分数", "8.29", "1.54", "0.00", "0.00", "0.00", "9.83"]
    assert rows[32] == ["合计", "人数", "328", "82", "0", "0", "0", "410"]
    assert rows[34][-1] == "98.00"
    assert rows[35][:3] == ["最终得分", "权重", "98.00"] and set(rows[35][2:]) == {"98.00"}


def test_word_table_keeps_its_layout_when_pasted(
    runner: FlaskCliRunner, report_campaign: Campaign, tmp_path: Path
) -> None:
    document = _read(runner, report_campaign, tmp_path)
    table = document.tables[0]._tbl
    borders = table.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and borders.find(qn("w:insideH")).get(qn("w:val")) == "single"
    rows = table.findall(qn("w:tr"))
    repeated = [row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for row in rows]
    assert repeated[:3] == [True, True, False]
    first = rows[0].findall(qn("w:tc"))
    # 问卷题目及选项, 项目, 选项 over the five options, 合计人数.
    spans = [
        int(tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")))
        if tc.tcPr.find(qn("w:gridSpan")) is not None
        else 1
        for tc in first
    ]
    assert spans == [1, 1, 5, 1]
    [picture] = document.inline_shapes
    blob = document.part.related_parts[picture._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
    image = Image.open(io.BytesIO(blob))
    assert image.format == "PNG" and image.height > image.width / 4


def test_evaluator_downloads_word(
    client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    make_user("ev1")
    sign_in(client, "ev1")
    page = client.get(f"/evaluation/campaigns/{report_campaign.slug}").get_data(as_text=True)
    assert "report.docx" in page
    response = client.get(f"/evaluation/campaigns/{report_campaign.slug}/report.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    response.close()
    assert any("98.00" in cell.text for cell in document.tables[0].rows[-1].cells)
