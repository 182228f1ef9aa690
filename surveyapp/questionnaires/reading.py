"""Read an uploaded or given questionnaire file by its kind: YAML, or XLSForm (``.xlsx``, ``.xls``)."""

from __future__ import annotations

from flask_babel import gettext as _

from surveyapp.questionnaires.spec import QuestionnaireFileError, QuestionnaireSpec
from surveyapp.questionnaires.yaml_format import parse_yaml_text


def read_questionnaire_bytes(data: bytes, filename: str, source: str | None = None) -> QuestionnaireSpec:
    """Check a questionnaire file's content; the web upload and the command line both call this."""
    source = source or filename
    lowered = filename.lower()
    if lowered.endswith((".xlsx", ".xls")):
        from surveyapp.questionnaires.xlsform import read_xlsform

        return read_xlsform(data, filename, source=source)
    if lowered.endswith((".yaml", ".yml")):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise QuestionnaireFileError(source, [("", _("the file is not UTF-8 text"))]) from error
        return parse_yaml_text(text, source)
    raise QuestionnaireFileError(
        source, [("", _("choose an XLSForm workbook (.xlsx or .xls) or a YAML file (.yaml)"))]
    )
