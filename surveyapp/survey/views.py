"""The respondent's pages: the form, the thank-you page, the language switch."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from surveyapp.campaigns.services import find_campaign
from surveyapp.distribution import access
from surveyapp.extensions import csrf
from surveyapp.i18n import LANGUAGE_COOKIE
from surveyapp.models import Campaign
from surveyapp.survey.forms import response_form_class
from surveyapp.survey.services import (
    CampaignClosedError,
    Submission,
    find_response,
)

bp = Blueprint("survey", __name__, template_folder="templates")


@bp.app_template_filter("relevant_tree")
def relevant_tree(expression: str | None) -> str:
    """A ``relevant`` expression as the JSON tree the page's script evaluates ("" if unreadable)."""
    import json

    from surveyapp.questionnaires.relevance import compiled

    tree = compiled(expression)
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":")) if tree is not None else ""


def _campaign_or_404(slug: str) -> Campaign:
    campaign = find_campaign(slug)
    if campaign is None:
        abort(404)
    return campaign


def _session_key(campaign: Campaign) -> str:
    return f"submission:{campaign.slug}"


def _submission_id(campaign: Campaign) -> str:
    """The id of the response this browser is filling in.

    It is kept in the signed session until the respondent asks to answer again for someone
    else, so the back button followed by a second submit repeats the same id.
    """
    key = _session_key(campaign)
    if key not in session:
        session[key] = secrets.token_urlsafe(16)
    return str(session[key])


@bp.get("/")
def index() -> str:
    """A short public page; signed-in staff get their dashboard instead."""
    from flask_login import current_user

    if current_user.is_authenticated:
        from surveyapp.dashboard.views import dashboard

        return dashboard()
    return render_template("survey/index.html")


@bp.get("/s/<slug>")
def form(slug: str) -> str | tuple[str, int]:
    """The questionnaire as respondents see it."""
    campaign = _campaign_or_404(slug)
    if not campaign.is_accepting():
        return render_template("survey/closed.html", campaign=campaign), 200
    refused = access.refusal(campaign)  # personal codes
    if refused is not None:
        return refused
    submission_id = _submission_id(campaign)
    if find_response(campaign, submission_id) is not None:
        return render_template("survey/answered.html", campaign=campaign)
    form = response_form_class(campaign.questionnaire_version)(submission_id=submission_id)
    return render_template("survey/form.html", campaign=campaign, form=form)


@bp.post("/s/<slug>")
@csrf.exempt  # checked by the form itself, so an expired token keeps the answers on the page
def submit(slug: str) -> BaseResponse | tuple[str, int]:
    """Store the answers once, then show the thank-you page."""
    campaign = _campaign_or_404(slug)
    refused = access.refusal(campaign)  # personal codes
    if refused is not None:
        return refused
    form = response_form_class(campaign.questionnaire_version)()
    if not form.validate():
        return render_template("survey/form.html", campaign=campaign, form=form), 422
    submission = Submission(
        submission_id=form.submission_id.data,
        answers=form.answers(),
        channel="qr",
        other_texts=form.other_texts(),
    )
    try:
        access.submit_with_code(campaign, submission)
    except CampaignClosedError:
        return render_template("survey/closed.html", campaign=campaign), 200
    except access.CodeUsedError:
        return access.used_page(campaign)
    session[_session_key(campaign)] = submission.submission_id
    return redirect(url_for("survey.thanks", slug=slug), code=303)


@bp.get("/s/<slug>/thanks")
def thanks(slug: str) -> str:
    """The thank-you page."""
    return render_template("survey/thanks.html", campaign=_campaign_or_404(slug))


@bp.post("/s/<slug>/again")
def again(slug: str) -> BaseResponse:
    """Start a new, empty response on this phone, for another person."""
    campaign = _campaign_or_404(slug)
    session.pop(_session_key(campaign), None)
    return redirect(url_for("survey.form", slug=slug), code=303)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, never another host."""
    if not target:
        return url_for("survey.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("survey.index")
    return target


@bp.get("/language/<code>")
def language(code: str) -> Response:
    """Switch the interface language and go back to the page the user was on."""
    from flask import current_app

    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(_safe_next(request.args.get("next")))
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response  # type: ignore[return-value]
