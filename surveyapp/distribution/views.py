"""Staff pages of distribution: roster, sample, codes and cards, who has answered, cross-checks."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from surveyapp.accounts.permissions import EVALUATOR, FIELD_STAFF, role_required
from surveyapp.campaigns.qr import qr_svg
from surveyapp.campaigns.services import campaign_or_404, response_count
from surveyapp.campaigns.views import poster_locale
from surveyapp.distribution.cards import cards_pdf, pages
from surveyapp.distribution.codes import code_cards
from surveyapp.distribution.crosscheck import cross_check_sheets, cross_check_xlsx
from surveyapp.distribution.forms import (
    AccessForm,
    CalculatorForm,
    CrossCheckForm,
    DrawForm,
    RosterUploadForm,
)
from surveyapp.distribution.messages import REFUSALS, problem_text, roster_error_text, row_error_text
from surveyapp.distribution.protection import RosterKeyMissing
from surveyapp.distribution.roster import RosterError, delete_roster, import_roster, roster_of, roster_size
from surveyapp.distribution.sampling import DrawRule, codes_used, draw_sample, sample_draw_of, size_advice
from surveyapp.distribution.services import CARD_HINT, set_access
from surveyapp.distribution.tracking import not_answered, progress
from surveyapp.exports.streams import csv_chunks
from surveyapp.fieldwork.services import entry_campaign_or_404
from surveyapp.imports.reading import ImportFileError, read_csv, read_xlsx
from surveyapp.models import Campaign

bp = Blueprint("distribution", __name__, url_prefix="/distribution", template_folder="templates")
Page = str | tuple[str, int] | BaseResponse
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _read_upload(name: str) -> Any:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        raise ImportFileError(_("Choose a file to import."))
    data = upload.read()
    return read_xlsx(data) if upload.filename.lower().endswith(".xlsx") else read_csv(data)


def _page(campaign: Campaign, status: int = 200, **extra: Any) -> tuple[str, int]:
    roster = roster_of(campaign)
    calculator = CalculatorForm(request.args)
    population = roster_size(roster) if roster else campaign.population_size
    margin = float(calculator.margin.data or 5) if calculator.validate() else 5.0
    forms = {
        "upload_form": RosterUploadForm(),
        "draw_form": DrawForm(),
        "access_form": AccessForm(access=campaign.access),
        **{k: v for k, v in extra.items() if k.endswith("_form")},
    }
    return render_template(
        "distribution/campaign.html",
        campaign=campaign,
        roster=roster,
        people=population if roster else None,
        draw=sample_draw_of(roster) if roster else None,
        sampled=sum(row.sampled for row in progress(campaign, None)) if roster else 0,
        used=codes_used(campaign),
        calculator=calculator,
        advice=size_advice(population, margin, response_count(campaign)) if population else None,
        **forms,
        **{k: v for k, v in extra.items() if not k.endswith("_form")},
    ), status


@bp.get("/<slug>/")
@role_required(EVALUATOR)
def campaign(slug: str) -> Page:
    """The campaign's roster, sample, codes and calculator."""
    return _page(campaign_or_404(slug))


@bp.post("/<slug>/roster")
@role_required(EVALUATOR)
def upload(slug: str) -> Page:
    """Import the roster, all or nothing, listing every bad row."""
    found = campaign_or_404(slug)
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return _page(
            found, 422, upload_form=form, problems=[_("The form has expired; please send it again.")]
        )
    try:
        checked = import_roster(
            found, _read_upload("file"), keep_contacts=bool(form.keep_contacts.data), user_id=current_user.id
        )
    except REFUSALS as error:
        return _page(found, 422, upload_form=form, problems=[problem_text(error)])
    if checked.errors:
        problems = [row_error_text(error) for error in checked.errors]
        return _page(found, 422, upload_form=form, problems=problems, row_errors=len(problems))
    flash(_("Roster imported: %(count)s people.", count=len(checked.people)), "success")
    return redirect(url_for(".campaign", slug=slug), code=303)


@bp.post("/<slug>/roster/delete")
@role_required(EVALUATOR)
def delete(slug: str) -> Page:
    """Delete the roster, its sample and codes completely."""
    found = campaign_or_404(slug)
    try:
        people = delete_roster(found)
    except RosterError as error:
        return _page(found, 409, problems=[roster_error_text(error)])
    flash(
        _("The roster of %(count)s people, its sample and its codes were deleted.", count=people), "success"
    )
    return redirect(url_for(".campaign", slug=slug), code=303)


@bp.post("/<slug>/access")
@role_required(EVALUATOR)
def access(slug: str) -> Page:
    """Who may answer the campaign."""
    found = campaign_or_404(slug)
    form = AccessForm()
    if not form.validate_on_submit():
        return _page(found, 422, access_form=form)
    set_access(found, str(form.access.data))
    flash(_("Saved who may answer."), "success")
    return redirect(url_for(".campaign", slug=slug), code=303)


@bp.post("/<slug>/sample")
@role_required(EVALUATOR)
def draw(slug: str) -> Page:
    """Draw the sample and give the sampled people their codes."""
    found = campaign_or_404(slug)
    form = DrawForm()
    if not form.validate_on_submit():
        return _page(found, 422, draw_form=form)
    rule = DrawRule(
        seed=int(form.seed.data or 0),
        per_stratum=form.per_county.data,
        fraction=float(form.fraction.data) if form.fraction.data is not None else None,
        by_township=bool(form.by_township.data),
    )
    try:
        made = draw_sample(found, rule)
    except RosterError as error:
        return _page(found, 409, draw_form=form, problems=[roster_error_text(error)])
    flash(_("Sample drawn: %(count)s people, each with a personal code.", count=made), "success")
    return redirect(url_for(".campaign", slug=slug), code=303)


@bp.get("/<slug>/codes.csv")
@role_required(EVALUATOR)
def codes_csv(slug: str) -> Response:
    """The codes with county, township and personal address; no names."""
    found = campaign_or_404(slug)
    rows = [["code", "county", "township", "address"]]
    rows += [[c.code, c.county, c.township, c.address] for c in code_cards(found)]
    return Response(
        csv_chunks(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{found.slug}-codes.csv"'},
    )


@bp.get("/<slug>/cards.pdf")
@role_required(EVALUATOR)
def cards_pdf_download(slug: str) -> Response:
    """The code cards as an A4 PDF."""
    found = campaign_or_404(slug)
    with force_locale(poster_locale(found.questionnaire_version.language)):
        hint = str(CARD_HINT)  # the cards speak to respondents, in the questionnaire's language
    pdf = cards_pdf(code_cards(found), found.questionnaire_version.title, hint)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=f"{found.slug}-cards.pdf")


@bp.get("/<slug>/cards")
@role_required(EVALUATOR)
def cards(slug: str) -> str:
    """The code cards as a page to print: 12 a sheet of A4."""
    found = campaign_or_404(slug)
    printed = [
        # The SVG is made by our own QR code writer from our own address: no outside text in it.
        [(card, Markup(qr_svg(card.address).decode("utf-8").split("?>", 1)[-1])) for card in page]  # nosec B704
        for page in pages(code_cards(found))
    ]
    locale = poster_locale(found.questionnaire_version.language)
    with force_locale(locale):
        hint = str(CARD_HINT)  # the cards speak to respondents, in the questionnaire's language
    language = "en" if locale == "en" else "zh-CN"
    return render_template(
        "distribution/cards.html", campaign=found, pages=printed, hint=hint, language=language
    )


@bp.get("/<slug>/tracking")
@role_required(EVALUATOR, FIELD_STAFF)
def tracking(slug: str) -> Page:
    """Sampled, opened and answered by county and township, and who is left to visit."""
    found = entry_campaign_or_404(current_user, slug)
    roster = roster_of(found)
    keeps = bool(roster and roster.keeps_contacts)
    try:
        left = not_answered(found, current_user, with_names=keeps)
    except RosterKeyMissing:
        left, keeps = not_answered(found, current_user, with_names=False), False
    return render_template(
        "distribution/tracking.html",
        campaign=found,
        counties=progress(found, current_user),
        townships=progress(found, current_user, by_township=True),
        left=left,
        names=keeps,
    )


@bp.route("/crosscheck", methods=["GET", "POST"])
@role_required(EVALUATOR)
def crosscheck() -> Page:
    """Match two lists by ID number; show the figures or download the workbook."""
    form = CrossCheckForm()
    if request.method == "GET":
        return render_template("distribution/crosscheck.html", form=form)
    problems: list[str] = []
    try:
        if not form.validate_on_submit():
            raise ImportFileError(_("The form has expired; please send it again."))
        report = cross_check_sheets(_read_upload("file_a"), _read_upload("file_b"))
    except REFUSALS as error:
        problems = [problem_text(error)]
    if problems:
        return render_template("distribution/crosscheck.html", form=form, problems=problems), 422
    if request.form.get("download") == "xlsx":
        book = io.BytesIO()
        cross_check_xlsx(report, book)
        book.seek(0)
        return send_file(book, mimetype=XLSX, download_name="crosscheck.xlsx")
    conflicts = report.result.conflicts
    return render_template(
        "distribution/crosscheck.html", form=form, counts=report.counts(), conflicts=conflicts.head(200)
    )
