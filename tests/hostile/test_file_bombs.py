"""Questionnaire files built to explode: a YAML alias bomb, an XLSX with an XML entity bomb."""

from __future__ import annotations

import io
import zipfile

import pytest

from surveyapp.questionnaires.reading import parse_questionnaire_text
from surveyapp.questionnaires.spec import QuestionnaireFileError
from surveyapp.questionnaires.xlsform import read_xlsform

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def test_a_yaml_alias_bomb_is_refused_with_its_place() -> None:
    with pytest.raises(QuestionnaireFileError) as refused:
        parse_questionnaire_text(LAUGHS, "bomb.yaml")
    assert "aliases" in str(refused.value.problems) and "line 2" in str(refused.value.problems)


def test_an_xml_entity_bomb_in_a_workbook_is_refused() -> None:
    entities = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    cell = '<row><c t="inlineStr"><is><t>&i;</t></is></c></row>'
    sheet = f'<?xml version="1.0"?>{entities}]><worksheet><sheetData>{cell}</sheetData></worksheet>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        book.writestr("xl/worksheets/sheet1.xml", sheet)
    with pytest.raises(Exception) as refused:
        read_xlsform(buffer.getvalue(), "bomb.xlsx")
    assert not isinstance(refused.value, MemoryError)
