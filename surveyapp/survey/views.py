"""The respondent's pages: the form, the thank-you page, the language switch."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    after_this_request,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from werkzeug.wrappers import Response as BaseResponse
from wtforms import ValidationError

from surveyapp.distribution import access
from surveyapp.extensions import csrf
from surveyapp.i18n import LANGUAGE_COOKIE
from surveyapp.models import Campaign
from surveyapp.questionnaires.relevance import compiled
from surveyapp.survey import display, pages, snapshot
from surveyapp.survey.ballots import (
    BadSubmissionToken,
    IssuedId,
    LimitReached,
    address_hash,
    device_id,
    issue_submission_id,
    new_device_id,
    read_submission_id,
    sender_limits,
    set_device_cookie,
    which_limit,
)
from surveyapp.survey.campaigns import attach, public_campaign
from surveyapp.survey.forms import (
    SIGNED_SUBMISSION_ID,
    CheckedAnswers,
    ResponseFormBase,
    public_form_class,
)
from surveyapp.survey.services import (
    CampaignClosedError,
    SenderLimitError,
    Submission,
    is_stored,
)
from surveyapp.survey.versions import version_by_id

bp = Blueprint("survey", __name__, template_folder="templates")
display.install(bp)

#: The app extension holding the page signed-in staff get at ``/`` (set by the dashboard).
STAFF_HOME = "surveyapp.staff_home"


bp.add_app_template_filter(pages.compact, "compact_questions")


@bp.app_template_filter("relevant_tree")
def relevant_tree(expression: str | None) -> str:
    """A ``relevant`` expression as the JSON tree the page's script evaluates ("" if unreadable)."""
    tree = compiled(expression)
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":")) if tree is not None else ""


def _session_key(campaign: Campaign) -> str:
    return f"submission:{campaign.slug}"


def _issued(campaign: Campaign) -> tuple[str, IssuedId | None]:
    """The signed id of the response this browser is filling in, and what it carries.

    It is kept in the signed session until the respondent asks to answer again for someone
    else, so the back button followed by a second submit repeats the same id. An id that is
    missing, forged or too old is replaced by a new one, which comes with None: it was issued
    just now, so nothing can be stored under it yet.
    """
    key = _session_key(campaign)
    token = session.get(key)
    if isinstance(token, str):
        try:
            return token, read_submission_id(campaign, token)
        except BadSubmissionToken:
            pass
    token = issue_submission_id(campaign)
    session[key] = token
    return token, None


def _give_device_cookie() -> str:
    """This phone's id; a phone without one gets a new cookie with this answer."""
    known = device_id(request)
    if known is not None:
        return known
    made = new_device_id()

    @after_this_request
    def _set(response: BaseResponse) -> BaseResponse:
        set_device_cookie(request, response, made)
        return response

    return made


def _form_page(campaign: Campaign, form: ResponseFormBase, status: int) -> tuple[str, int]:
    """The form again, answers kept; an id the server did not issue is replaced by a fresh one."""
    try:
        read_submission_id(campaign, form.submission_id.data or "")
    except BadSubmissionToken:
        form.submission_id.data, _carried = _issued(campaign)
        form.submission_id.errors = [
            _("This form could not be checked. Your answers are kept: please send it again.")
        ]
    return render_template("survey/form.html", campaign=attach(campaign), form=form), status


@bp.get("/")
def index() -> str:
    """A short public page; signed-in staff get their dashboard instead.

    The dashboard registers itself as the staff home (:data:`STAFF_HOME`) when its blueprint is
    registered, so the public side never imports staff code.
    """
    staff_home = current_app.extensions.get(STAFF_HOME)
    if staff_home is not None and current_user.is_authenticated:
        return str(staff_home())
    return render_template("survey/index.html")


@bp.get("/s/<slug>")
def form(slug: str) -> str | tuple[str, int]:
    """The questionnaire as respondents see it."""
    # Detached: a new respondent usually gets the kept page, which needs the row's columns only.
    campaign = public_campaign(slug, attached=False)  # its version is the kept copy (see versions)
    if not campaign.is_accepting():
        return render_template("survey/closed.html", campaign=attach(campaign)), 200
    if campaign.access != "anyone":
        campaign = attach(campaign)  # the code pages read its version
    refused = access.refusal(campaign)  # personal codes
    if refused is not None:
        return refused
    token, carried = _issued(campaign)
    # Only an id this browser already carried can have been answered; a fresh one cannot.
    if carried is not None and is_stored(campaign, carried.nonce):
        return render_template("survey/answered.html", campaign=attach(campaign))
    snapshot.remember(campaign)
    _give_device_cookie()
    version = version_by_id(campaign.questionnaire_version_id)

    def render() -> str:
        form = public_form_class(version)(submission_id=token)
        questions = pages.pristine_questions(form)
        return render_template(
            "survey/form.html",
            campaign=attach(campaign),
            form=form,
            version=version,
            questions_html=questions,
        )

    return pages.kept_page("form", campaign, {"submission_id": token, "csrf": generate_csrf()}, render)


@bp.post("/s/<slug>")
@csrf.exempt  # checked with the answers, so an expired token keeps the answers on the page
def submit(slug: str) -> BaseResponse | tuple[str, int]:
    """Store the answers once, then show the thank-you page."""
    # Detached: storing reads the row's columns only; a page shown instead attaches it first.
    campaign = public_campaign(slug, attached=False)
    if campaign.access != "anyone":
        campaign = attach(campaign)  # the code pages read its version, the code its response
    refused = access.refusal(campaign)  # personal codes
    if refused is not None:
        return refused
    snapshot.remember(campaign)
    form_class = public_form_class(version_by_id(campaign.questionnaire_version_id))
    if display.chosen_in_form():  # a display button: the same answers again, in the new mode
        return render_template("survey/form.html", campaign=attach(campaign), form=form_class()), 200
    sent = _sent_as_accepted(campaign, form_class)
    if sent is None:  # something is refused: the form, built now, says what
        form = form_class()
        if not form.validate():
            return _form_page(campaign, form, 422)
        token = form.submission_id.data
        try:
            sent = (token, read_submission_id(campaign, token), form.checked())
        except BadSubmissionToken:
            return _form_page(campaign, form, 422)
    token, issued, checked = sent
    refused_page = _store(campaign, checked, issued)
    if refused_page is not None:
        return refused_page
    if session.get(_session_key(campaign)) != token:
        session[_session_key(campaign)] = token  # else the cookie is not sent again
    return redirect(url_for("survey.thanks", slug=slug), code=303)


def _sent_as_accepted(
    campaign: Campaign, form_class: type[ResponseFormBase]
) -> tuple[str, IssuedId, CheckedAnswers] | None:
    """The submission id, what it carries and the checked answers, read from the request without
    building the form, when the form would accept them all; None when anything would be refused.

    The same checks as the form's (its CSRF token, the signed id's format and signature, every
    question through :meth:`ResponseFormBase.check`), so a refusal is explained by the form
    itself, built only then: most POSTs are accepted, and the form's fields are the costliest
    part of reading them.
    """
    token = request.form.get("submission_id") or ""
    if not SIGNED_SUBMISSION_ID.match(token):
        return None
    meta = form_class.Meta()  # the form's own CSRF settings, checked as its CSRF field does
    if meta.csrf:
        try:
            sent = request.form.get(meta.csrf_field_name)
            validate_csrf(sent, meta.csrf_secret, meta.csrf_time_limit, meta.csrf_field_name)
        except ValidationError:
            return None
    try:
        issued = read_submission_id(campaign, token)
    except BadSubmissionToken:
        return None
    checked = form_class.check(form_class.sent_data(request.form))
    return None if checked.problems else (token, issued, checked)


def _store(campaign: Campaign, checked: CheckedAnswers, issued: IssuedId) -> tuple[str, int] | None:
    """Store the response once, or return the page that explains why it was not stored.

    A repeat of a stored response (a double tap, a reloaded POST) is found by the insert itself,
    and so are the phone's and the address's limits: a new response costs one statement. Only a
    refusal asks whether this one was stored already, in which case the respondent gets the
    thank-you page after all, and which limit refused it.
    """
    phone, address = _give_device_cookie(), address_hash(request.remote_addr)
    submission = Submission(
        submission_id=issued.nonce,
        answers=checked.answers,
        channel="qr",
        form_seconds=issued.seconds_open(),
        address_hash=address,
        device_id=phone,
        other_texts=checked.other_texts,
        limits=sender_limits(campaign),
    )
    try:
        access.submit_with_code(campaign, submission, look_up=False)
    except (SenderLimitError, CampaignClosedError, access.CodeUsedError) as refusal:
        if is_stored(campaign, issued.nonce):
            return None  # sent again after it was stored: the thank-you page after all
        if isinstance(refusal, SenderLimitError):
            return _refusal_page(campaign, which_limit(campaign, phone, address))
        return _refusal_page(campaign, refusal)
    return None


def _refusal_page(campaign: Campaign, refusal: Exception) -> tuple[str, int]:
    campaign = attach(campaign)  # each page reads its version
    if isinstance(refusal, LimitReached):
        return render_template("survey/limit.html", campaign=campaign, kind=refusal.kind), 429
    if isinstance(refusal, CampaignClosedError):
        return render_template("survey/closed.html", campaign=campaign), 200
    return access.used_page(campaign)


@bp.get("/s/<slug>/thanks")
def thanks(slug: str) -> str:
    """The thank-you page."""
    campaign = public_campaign(slug, attached=False)  # the kept page needs its columns only
    return pages.kept_page(
        "thanks",
        campaign,
        {"csrf": generate_csrf()},
        lambda: render_template("survey/thanks.html", campaign=attach(campaign)),
    )


@bp.post("/s/<slug>/again")
def again(slug: str) -> BaseResponse:
    """Start a new, empty response on this phone, for another person."""
    campaign = public_campaign(slug)
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
