"""Evaluators' pages: list and make tables, see the four levels, edit leaves, link, history, downloads."""

from __future__ import annotations

import io
import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from analysis import indicators as ai
from analysis.rounding import round_half_up
from surveyapp import labels
from surveyapp.accounts.permissions import EVALUATOR, OutOfReach, reaches_area, role_required
from surveyapp.areas.choices import bind_area_field, chosen_area_id
from surveyapp.areas.tree import area_within
from surveyapp.exports.word import DOCX_TYPE
from surveyapp.extensions import db
from surveyapp.indicators.editing import LeafErrors, LeafInput, update_leaf
from surveyapp.indicators.exports import table_json, write_xlsx
from surveyapp.indicators.forms import CreateTableForm, GradesForm, LeafForm, LinkForm, decimal_or_none
from surveyapp.indicators.links import LINKS_BY_TYPE
from surveyapp.indicators.services import (
    IndicatorServiceError,
    ScoredTable,
    all_tables,
    bundled_templates,
    create_table,
    grades_text,
    history,
    link_leaf,
    node_or_none,
    record_export,
    score_record,
    set_grades,
    table_or_404,
)
from surveyapp.indicators.sheets import funds_print_for
from surveyapp.indicators.store import bands_from_json, grades_from_json, plain
from surveyapp.indicators.word import summary_docx
from surveyapp.models import Campaign, IndicatorNode, IndicatorTable

bp = Blueprint("indicators", __name__, url_prefix="/indicators", template_folder="templates")

Page = str | tuple[str, int] | BaseResponse


@bp.context_processor
def _helpers() -> dict[str, Any]:
    def shown(value: Any) -> str:
        return "" if value is None else f"{round_half_up(value):f}"

    def when(value: Any) -> str:
        return "" if value is None else format_datetime(value, "yyyy-MM-dd HH:mm:ss")

    return {"shown": shown, "when": when, "plain": plain, "link_names": link_names()}


def link_names() -> dict[str, str]:
    """What each link kind is called on the pages."""
    return {code: str(name) for code, name in labels.LINK_KINDS.items()}


@bp.route("/", methods=["GET", "POST"])
@role_required(EVALUATOR)
def index() -> Page:
    """The stored tables and the form to make one from a template."""
    form = CreateTableForm()
    templates = bundled_templates()
    form.template.choices = [SelectChoice(t.id, f"{t.title} ({t.id})") for t in templates]
    bind_area_field(form.area, current_user)
    if form.validate_on_submit():
        try:
            record = create_table(
                form.template.data or "",
                user=current_user,
                key=form.key.data or None,
                title=form.title.data,
                area_id=chosen_area_id(form.area.data),
            )
        except OutOfReach as error:
            form.area.errors = [str(error)]
        except IndicatorServiceError as error:
            form.key.errors = [str(error)]
        else:
            return redirect(url_for(".show", key=record.key), code=303)
    tables = [score_record(record) for record in all_tables(current_user)]
    status = 422 if form.is_submitted() else 200
    return render_template("indicators/index.html", form=form, tables=tables), status


def _rows(scored: ScoredTable) -> list[dict[str, Any]]:
    stored = {row.node_key: row for row in scored.record.nodes}
    return [
        {"level": level, "node": node, "row": stored[node.id], "leaf": isinstance(node, ai.Indicator)}
        for level, node in scored.table.nodes()
    ]


@bp.get("/<key>")
@role_required(EVALUATOR)
def show(key: str) -> str:
    """The table with its four levels, subtotals, summary and grade."""
    scored = score_record(table_or_404(key))
    return render_template(
        "indicators/show.html",
        scored=scored,
        rows=_rows(scored),
        summary=ai.summary_table(scored.table).to_dict(orient="records"),
    )


def _leaf_or_404(record: IndicatorTable, node_key: str) -> IndicatorNode:
    row = node_or_none(record, node_key)
    if row is None or not row.is_leaf:
        abort(404)
    return row


def _fill_leaf_form(form: LeafForm, row: IndicatorNode) -> None:
    form.target.data = row.target or ""
    form.actual.data = "" if row.actual is None else f"{plain(row.actual):f}"
    form.unit.data = row.actual_unit or ""
    form.band.data = row.band or ""
    form.percent.data = "" if row.percent is None else f"{plain(row.percent):f}"
    form.manual_score.data = "" if row.manual_score is None else f"{plain(row.manual_score):f}"
    form.reason.data = row.reason
    form.evidence.data = row.evidence


def _leaf_input(form: LeafForm) -> LeafInput:
    return LeafInput(
        target=(form.target.data or "").strip() or None,
        actual=decimal_or_none(form.actual),
        unit=form.unit.data,
        band=form.band.data or None,
        percent=decimal_or_none(form.percent),
        manual_score=decimal_or_none(form.manual_score),
        reason=form.reason.data or "",
        evidence=form.evidence.data or "",
    )


def _campaigns(record: IndicatorTable) -> list[Campaign]:
    """The campaigns a leaf of ``record`` may follow: in the user's reach and the table's area."""
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.id.desc()))
    return [
        c
        for c in campaigns
        if reaches_area(current_user, c.area_id) and area_within(c.area_id, record.area_id)
    ]


def _link_form(row: IndicatorNode, record: IndicatorTable) -> LinkForm:
    form = LinkForm(prefix="link")
    names = link_names()
    form.kind.choices = [SelectChoice(k, names[k]) for k in ("none", *LINKS_BY_TYPE.get(row.type or "", ()))]
    form.campaign.choices = [SelectChoice(c.slug, f"{c.name} ({c.slug})") for c in _campaigns(record)]
    if not form.is_submitted():
        form.kind.data = row.link
        chosen = row.link_campaign or record.campaign
        form.campaign.data = chosen.slug if chosen else ""
    return form


def _leaf_page(
    record: IndicatorTable, row: IndicatorNode, form: LeafForm, link_form: LinkForm, status: int
) -> Page:
    scored = score_record(record)
    leaf = scored.table.find(row.node_key)
    return (
        render_template(
            "indicators/leaf.html",
            scored=scored,
            row=row,
            leaf=leaf,
            form=form,
            link_form=link_form,
            linked=scored.links.get(row.node_key),
            problem=scored.problems.get(row.node_key),
            type_names=labels.INDICATOR_TYPES,
            rule_names=labels.RULES,
        ),
        status,
    )


@bp.route("/<key>/leaves/<node_key>", methods=["GET", "POST"])
@role_required(EVALUATOR)
def edit_leaf(key: str, node_key: str) -> Page:
    """Enter a leaf's actual value, band, score, reason and evidence."""
    record = table_or_404(key)
    row = _leaf_or_404(record, node_key)
    form = LeafForm(prefix="leaf")
    form.band.choices = _band_choices(row)
    if not form.is_submitted():
        _fill_leaf_form(form, row)
    elif form.validate():
        try:
            update_leaf(record, row, _leaf_input(form), current_user)
        except LeafErrors as error:
            _show_errors(form, error.errors)
        else:
            flash(_("Saved."))
            return redirect(url_for(".show", key=key, _anchor=f"node-{node_key}"), code=303)
    status = 422 if form.is_submitted() else 200
    return _leaf_page(record, row, form, _link_form(row, record), status)


def _show_errors(form: LeafForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        field = getattr(form, name, None) if name != "form" else None
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [message]


def _band_choices(row: IndicatorNode) -> list[SelectChoice]:
    return [SelectChoice("", _("Not judged yet"))] + [
        SelectChoice(b.name) for b in bands_from_json(row.bands)
    ]


@bp.post("/<key>/leaves/<node_key>/link")
@role_required(EVALUATOR)
def link(key: str, node_key: str) -> Page:
    """Make a leaf follow a campaign figure, or stop following."""
    record = table_or_404(key)
    row = _leaf_or_404(record, node_key)
    link_form = _link_form(row, record)
    if link_form.validate_on_submit():
        campaigns = {c.slug: c for c in _campaigns(record)}
        try:
            link_leaf(
                record,
                row,
                link_form.kind.data or "none",
                campaigns.get(link_form.campaign.data or ""),
                current_user,
            )
        except IndicatorServiceError as error:
            link_form.campaign.errors = [str(error)]
        else:
            flash(_("Saved."))
            return redirect(url_for(".show", key=key, _anchor=f"node-{node_key}"), code=303)
    form = LeafForm(prefix="leaf", formdata=None)
    form.band.choices = _band_choices(row)
    _fill_leaf_form(form, row)
    return _leaf_page(record, row, form, link_form, 422)


@bp.route("/<key>/grades", methods=["GET", "POST"])
@role_required(EVALUATOR)
def grades(key: str) -> Page:
    """Set the table's grade bands."""
    record = table_or_404(key)
    form = GradesForm()
    if not form.is_submitted():
        form.grades.data = grades_text(grades_from_json(record.grades))
    elif form.validate():
        try:
            set_grades(record, form.grades.data or "", current_user)
        except IndicatorServiceError as error:
            form.grades.errors = [str(error)]
        else:
            flash(_("Saved."))
            return redirect(url_for(".show", key=key), code=303)
    return render_template("indicators/grades.html", record=record, form=form), (
        422 if form.is_submitted() else 200
    )


@bp.get("/<key>/history")
@role_required(EVALUATOR)
def changes(key: str) -> str:
    """Who changed what and when."""
    record = table_or_404(key)
    return render_template("indicators/history.html", record=record, changes=history(record))


@bp.get("/<key>/export.json")
@role_required(EVALUATOR)
def export_json(key: str) -> Response:
    """The scored table as JSON."""
    scored = score_record(table_or_404(key))
    record_export(scored.record, "json")
    data = {"key": key, **table_json(scored.table, scored.links, scored.problems)}
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{key}.json"'},
    )


@bp.get("/<key>/export.xlsx")
@role_required(EVALUATOR)
def export_xlsx(key: str) -> Response:
    """The full table and the summary as an XLSX workbook."""
    scored = score_record(table_or_404(key))
    record_export(scored.record, "xlsx")
    buffer = io.BytesIO()
    write_xlsx(scored.table, buffer, scored.links, funds_print_for(scored.record))
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{key}.xlsx"'},
    )


@bp.get("/<key>/export.docx")
@role_required(EVALUATOR)
def export_docx(key: str) -> Response:
    """The summary (first-level rows, total, grade) as a Word table."""
    scored = score_record(table_or_404(key))
    record_export(scored.record, "docx")
    return Response(
        summary_docx(scored.table).read(),
        mimetype=DOCX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{key}.docx"'},
    )
