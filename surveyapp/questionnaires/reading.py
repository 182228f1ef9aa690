"""Read a questionnaire file by its kind: YAML, or XLSForm (``.xlsx``, ``.xls``).

The one entry point for questionnaire files: the web upload, the command line and the shipped
questionnaires all come through here. ``spec`` holds the data classes only and imports none of the
readers, so the readers can import it without a cycle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from surveyapp.questionnaires.spec import QuestionnaireFileError, QuestionnaireSpec
from surveyapp.questionnaires.yaml_format import parse_questionnaire_data, parse_yaml_text


def read_questionnaire_bytes(data: bytes, filename: str, source: str | None = None) -> QuestionnaireSpec:
    """Check a questionnaire file's content; the web upload and the command line both call this."""
    source = source or filename
    lowered = filename.lower()
    if lowered.endswith((".xlsx", ".xls")):
        # Imported here, not at the top: pyxform is slow to import and only workbooks need it.
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


def read_questionnaire_file(path: Path) -> QuestionnaireSpec:
    """Read and check one questionnaire file: YAML (``.yaml``/``.yml``) or XLSForm (``.xlsx``/``.xls``)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise QuestionnaireFileError(str(path), [("", f"cannot be read: {error}")]) from error
    return read_questionnaire_bytes(data, path.name, source=str(path))


def parse_questionnaire(data: Any, source: str) -> QuestionnaireSpec:
    """Check a questionnaire given as parsed YAML; raise ``QuestionnaireFileError`` listing every problem."""
    return parse_questionnaire_data(data, source)


def parse_questionnaire_text(text: str, source: str) -> QuestionnaireSpec:
    """Check a questionnaire given as YAML text (an uploaded file, for instance)."""
    return parse_yaml_text(text, source)
