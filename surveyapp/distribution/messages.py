"""Roster errors in the user's language; no message repeats a name, phone or ID number."""

from __future__ import annotations

from flask_babel import gettext as _

from surveyapp.distribution.crosscheck import skip_reason
from surveyapp.distribution.protection import RosterKeyMissing
from surveyapp.distribution.roster import RosterError, RowError
from surveyapp.imports.reading import ImportFileError

#: The refusals of distribution's services that :func:`problem_text` words.
REFUSALS = (RosterKeyMissing, RosterError, ImportFileError)


def row_error_text(error: RowError) -> str:
    """One bad row, e.g. "Row 5: the check digit of the ID number is wrong"."""
    if error.kind == "county_unknown":
        what = _("the county “%(county)s” is not one of the known counties", county=error.value)
    elif error.kind == "county_missing":
        what = _("no county")
    elif error.kind == "duplicate":
        what = _("the same person is already listed in row %(row)s", row=error.value)
    else:
        what = skip_reason(error.kind.removeprefix("id_"))
    return _("Row %(row)s: %(what)s.", row=error.row, what=what)


def roster_error_text(error: RosterError) -> str:
    """Why a roster action was refused."""
    texts = {
        "missing_columns": _(
            "The file lacks the columns %(columns)s (身份证号 and 县(市、区) in Chinese rosters).",
            columns=error.values.get("columns", ""),
        ),
        "roster_exists": _("This campaign already has a roster. Delete it before importing another."),
        "roster_empty": _("The file lists nobody."),
        "no_roster": _("This campaign has no roster yet."),
        "sample_in_use": _("Codes of this sample have already been answered, so it cannot be drawn again."),
        "bad_rule": _(
            "Give a number of people per county of at least 1, or a fraction above 0 and at most 1."
        ),
    }
    return texts.get(error.kind, error.kind)


def key_missing_text() -> str:
    """The configuration lacks the roster key."""
    return _(
        "No roster key is configured, so no roster can be imported or read. The administrator "
        "sets SURVEYAPP_ROSTER_KEY (a secret of at least 16 characters) on the server."
    )


def problem_text(error: Exception) -> str:
    """Any of the :data:`REFUSALS` in the user's language: the pages and the command line use this."""
    if isinstance(error, RosterKeyMissing):
        return key_missing_text()
    if isinstance(error, RosterError):
        return roster_error_text(error)
    return str(error)
