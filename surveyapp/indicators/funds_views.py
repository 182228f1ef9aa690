"""The funds sheet pages: rows typed in or imported, totals, completion rate and findings.

Their own blueprint (``funds``), at the addresses below the indicator table they belong to
(``/indicators/<key>/funds...``). Opening the page writes nothing: a table without a sheet shows
an empty one, and the sheet is stored with its first change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from analysis import funds as af
from surveyapp.accounts.permissions import EVALUATOR, role_required
from surveyapp.indicators.forms import FundsImportForm, FundsRowForm, FundsSettingsForm, decimal_or_none
from surveyapp.indicators.funds import (
    FundsInputError,
    FundsRowInput,
    add_row,
    delete_row,
    empty_sheet,
    find_sheet,
    funds_report,
    import_rows,
    sheet_for,
    update_settings,
)
from surveyapp.indicators.services import table_or_404
from surveyapp.indicators.store import plain
from surveyapp.models import FundsSheet, IndicatorTable

Page = str | tuple[str, int] | BaseResponse

bp = Blueprint("funds", __name__, url_prefix="/indicators", template_folder="templates")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"plain": plain}


def finding_text(finding: af.Finding, implied: dict[str, dict[str, Any]], standard: Decimal) -> str:
    """A finding in the user's language, with both figures and the difference."""
    values = {
        "county": finding.county,
        "actual": f"{plain(finding.actual):f}",
        "expected": f"{plain(finding.expected):f}",
        "difference": f"{plain(finding.difference):f}",
    }
    if finding.kind == "funds_differ_from_rule":
        row = implied[finding.county]
        return _(
            "%(county)s: funds %(actual)s 万元 differ from %(people)s people × %(standard)s 元 × "
            "%(share)s/10 = %(expected)s 万元, by %(difference)s 万元.",
            people=row["people"],
            standard=f"{plain(standard):f}",
            share=row["city_share"],
            **values,
        )
    if finding.kind == "city_funds_without_city_share":
        return _(
            "%(county)s: the city's share is 0, yet it received %(actual)s 万元 of city funds.", **values
        )
    if finding.kind == "printed_total_funds":
        return _(
            "The printed total funds %(actual)s 万元 differ from the sum of the rows, %(expected)s 万元.",
            **values,
        )
    return _("The printed total people %(actual)s differ from the sum of the rows, %(expected)s.", **values)


def _settings_form(sheet: FundsSheet) -> FundsSettingsForm:
    form = FundsSettingsForm(prefix="settings")
    if not form.is_submitted():
        form.standard.data = f"{plain(sheet.standard):f}"
        form.people_target.data = "" if sheet.people_target is None else str(sheet.people_target)
        form.printed_funds.data = "" if sheet.printed_funds is None else f"{plain(sheet.printed_funds):f}"
        form.printed_people.data = "" if sheet.printed_people is None else str(sheet.printed_people)
    return form


def _page(record: IndicatorTable, sheet: FundsSheet, status: int = 200, **forms: Any) -> Page:
    report = funds_report(sheet)
    implied = {str(row["county"]): row for row in report.implied}
    standard = Decimal(sheet.standard)
    return (
        render_template(
            "indicators/funds.html",
            record=record,
            sheet=sheet,
            report=report,
            findings=[(f, finding_text(f, implied, standard)) for f in report.findings],
            row_form=forms.get("row_form") or FundsRowForm(prefix="row", formdata=None),
            settings_form=forms.get("settings_form") or _settings_form(sheet),
            import_form=forms.get("import_form") or FundsImportForm(prefix="import", formdata=None),
            import_problems=forms.get("import_problems", []),
        ),
        status,
    )


@bp.get("/<key>/funds", endpoint="sheet")
@role_required(EVALUATOR)
def funds(key: str) -> Page:
    """The funds sheet with its totals, completion rate and findings."""
    record = table_or_404(key)
    return _page(record, find_sheet(record) or empty_sheet(record))


@bp.post("/<key>/funds/rows", endpoint="add_row")
@role_required(EVALUATOR)
def funds_add_row(key: str) -> Page:
    """Add one county row."""
    record = table_or_404(key)
    sheet = sheet_for(record)
    form = FundsRowForm(prefix="row")
    if form.validate_on_submit():
        city, county = (int(part) for part in (form.share.data or "5:5").split(":"))
        row = FundsRowInput(
            (form.county.data or "").strip(),
            decimal_or_none(form.funds) or Decimal(0),
            int(decimal_or_none(form.people) or 0),
            city,
            county,
        )
        try:
            add_row(sheet, row, current_user)
        except FundsInputError as error:
            form.county.errors = error.problems
        else:
            flash(_("Saved."))
            return redirect(url_for(".sheet", key=key), code=303)
    return _page(record, sheet, 422, row_form=form)


@bp.post("/<key>/funds/rows/<int:row_id>/delete", endpoint="delete_row")
@role_required(EVALUATOR)
def funds_delete_row(key: str, row_id: int) -> Page:
    """Remove one county row."""
    record = table_or_404(key)
    sheet = sheet_for(record)
    form = FundsImportForm()  # only for its CSRF check
    if not form.validate_on_submit():
        return _page(record, sheet, 400)
    if not delete_row(sheet, row_id, current_user):
        abort(404)
    flash(_("Removed."))
    return redirect(url_for(".sheet", key=key), code=303)


@bp.post("/<key>/funds/settings", endpoint="settings")
@role_required(EVALUATOR)
def funds_settings(key: str) -> Page:
    """Set the standard, the people target and the printed totals."""
    record = table_or_404(key)
    sheet = sheet_for(record)
    form = _settings_form(sheet)
    if not form.validate_on_submit():
        return _page(record, sheet, 422, settings_form=form)
    values = {
        "standard": decimal_or_none(form.standard),
        "people_target": _whole(decimal_or_none(form.people_target)),
        "printed_funds": decimal_or_none(form.printed_funds),
        "printed_people": _whole(decimal_or_none(form.printed_people)),
    }
    update_settings(sheet, values, current_user)
    flash(_("Saved."))
    return redirect(url_for(".sheet", key=key), code=303)


def _whole(value: Decimal | None) -> int | None:
    return None if value is None else int(value)


@bp.post("/<key>/funds/import", endpoint="import_file")
@role_required(EVALUATOR)
def funds_import(key: str) -> Page:
    """Replace the rows with those of a CSV or XLSX file, all or nothing."""
    record = table_or_404(key)
    sheet = sheet_for(record)
    form = FundsImportForm(prefix="import")
    upload = request.files.get("import-file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        return _page(record, sheet, 422, import_form=form, import_problems=[_("Choose a file to import.")])
    try:
        count = import_rows(sheet, upload.filename, upload.read(), current_user)
    except FundsInputError as error:
        return _page(record, sheet, 422, import_form=form, import_problems=error.problems)
    flash(_("Imported %(count)s rows.", count=count))
    return redirect(url_for(".sheet", key=key), code=303)
