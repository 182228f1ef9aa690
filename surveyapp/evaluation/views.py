"""The evaluator's pages: the campaigns they reach, a campaign's statistics table, downloads."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from analysis.certainty import MIN_RESPONDENTS
from surveyapp import labels
from surveyapp.accounts.permissions import EVALUATOR, role_required
from surveyapp.campaigns.services import campaign_or_404, campaigns_with_counts
from surveyapp.evaluation import charts
from surveyapp.evaluation.forms import SchemeForm
from surveyapp.evaluation.open_answers import open_answers
from surveyapp.exports.statistical import FORMATS as STATISTICAL_FORMATS
from surveyapp.exports.statistical import MIMETYPES, responses_file
from surveyapp.exports.word import DOCX_TYPE, report_docx
from surveyapp.exports.writers import report_csv, report_json, report_xlsx, responses_csv
from surveyapp.models import Campaign
from surveyapp.quality.services import campaign_quality
from surveyapp.questionnaires.texts import current_language, text_of
from surveyapp.scoring.breakdowns import profile_breakdowns
from surveyapp.scoring.kept import one_reading
from surveyapp.scoring.report import CampaignReport, campaign_report, record_export
from surveyapp.scoring.schemes import SchemeError, set_campaign_scheme

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation", template_folder="templates")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/")
@role_required(EVALUATOR)
def index() -> str:
    """The campaigns the signed-in evaluator reaches."""
    campaigns = [(row.campaign, row.responses) for row in campaigns_with_counts(current_user)]
    return render_template("evaluation/index.html", campaigns=campaigns)


def _include_excluded() -> bool:
    """Whether the evaluator asked to count the excluded responses too (``?excluded=include``)."""
    return request.args.get("excluded") == "include"


def survey_answers(campaign: Campaign, search: str | None) -> dict[str, Any]:
    """What the page's section on the questionnaire's own answers needs (open answers, profiles)."""
    version = campaign.questionnaire_version
    language = current_language()
    return {
        "open_answers": open_answers(campaign, search),
        "profile_names": profile_breakdowns(campaign),
        "search": search,
        "questions_by_name": {q.name: q for q in version.questions},
        "question_text": lambda q: text_of(q, "text", language, version.language),
    }


def _page(campaign: Campaign, form: SchemeForm, status: int = 200) -> tuple[str, int]:
    with one_reading(campaign):  # the report and the quality checks read the campaign once
        return _page_of(campaign, form, status)


def _page_of(campaign: Campaign, form: SchemeForm, status: int) -> tuple[str, int]:
    report = campaign_report(campaign, include_excluded=_include_excluded())
    data = report.as_dict()
    return render_template(
        "evaluation/campaign.html",
        campaign=campaign,
        report=report,
        data=data,
        form=form,
        charts=charts,
        min_respondents=MIN_RESPONDENTS,
        channel_names=labels.CHANNELS,
        quality=campaign_quality(campaign),
        **survey_answers(campaign, request.args.get("search", "").strip()[:100] or None),
    ), status


@bp.get("/campaigns/<slug>")
@role_required(EVALUATOR)
def campaign(slug: str) -> tuple[str, int]:
    """The statistics table, charts, breakdowns and certainty of one campaign."""
    found = campaign_or_404(slug)
    form = SchemeForm(scheme=found.weight_scheme.key if found.weight_scheme else "questionnaire")
    return _page(found, form)


@bp.post("/campaigns/<slug>/scheme")
@role_required(EVALUATOR)
def change_scheme(slug: str) -> BaseResponse | tuple[str, int]:
    """Score the campaign with another weight scheme."""
    found = campaign_or_404(slug)
    form = SchemeForm()
    if not form.validate_on_submit():
        return _page(found, form, 422)
    try:
        set_campaign_scheme(found, form.scheme.data or "")
    except SchemeError:
        form.scheme.errors = [_("This weight scheme has no weight for every option of the questionnaire.")]
        return _page(found, form, 422)
    return redirect(url_for("evaluation.campaign", slug=slug), code=303)


def _filename(report: CampaignReport, suffix: str) -> str:
    return f"{report.campaign.slug}-{report.scheme.key}-v{report.version}.{suffix}"


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _streamed_text(chunks: Any, mimetype: str, name: str) -> Response:
    """Text streamed as it is produced; bytes and direct passthrough keep it out of memory."""
    body = stream_with_context(chunk.encode("utf-8") for chunk in chunks)
    return Response(body, mimetype=mimetype, headers=_attachment(name), direct_passthrough=True)


@bp.get("/campaigns/<slug>/report.<fmt>")
@role_required(EVALUATOR)
def download(slug: str, fmt: str) -> Response:
    """The statistics table as JSON, CSV, XLSX or the report's Word section (docx)."""
    found = campaign_or_404(slug)
    if fmt not in ("json", "csv", "xlsx", "docx"):
        abort(404)
    report = campaign_report(found, breakdowns=fmt == "json", include_excluded=_include_excluded())
    record_export(found, fmt, _include_excluded())
    if fmt == "json":
        return Response(
            report_json(report),
            mimetype="application/json",
            headers=_attachment(_filename(report, "json")),
        )
    if fmt == "csv":
        return _streamed_text(report_csv(report), "text/csv", _filename(report, "csv"))
    if fmt == "docx":
        return send_file(
            report_docx(report),
            mimetype=DOCX_TYPE,
            as_attachment=True,
            download_name=_filename(report, "docx"),
        )
    return send_file(
        report_xlsx(report).to_spooled_file(),
        mimetype=XLSX_TYPE,
        as_attachment=True,
        download_name=_filename(report, "xlsx"),
    )


@bp.get("/campaigns/<slug>/responses.csv")
@role_required(EVALUATOR)
def responses(slug: str) -> Response:
    """The individual responses, without personal data, streamed from the database."""
    found = campaign_or_404(slug)
    every = _include_excluded()
    record_export(found, "responses.csv", every)
    return _streamed_text(responses_csv(found, every), "text/csv", f"{found.slug}-responses.csv")


@bp.get("/campaigns/<slug>/responses.<fmt>")
@role_required(EVALUATOR)
def responses_statistical(slug: str, fmt: str) -> Response:
    """The individual responses for SPSS (sav) or Stata (dta), labelled, R reads both."""
    found = campaign_or_404(slug)
    if fmt not in STATISTICAL_FORMATS:
        abort(404)
    every = _include_excluded()
    record_export(found, f"responses.{fmt}", every)
    return send_file(
        responses_file(found, fmt, every),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"{found.slug}-responses.{fmt}",
    )
