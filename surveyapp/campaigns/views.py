"""Managing campaigns: list, start, open and close, and hand out the QR code and poster."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from surveyapp.accounts.permissions import (
    ADMIN,
    EVALUATOR,
    FIELD_STAFF,
    OutOfReach,
    role_required,
)
from surveyapp.areas.choices import bind_area_field, chosen_area_id
from surveyapp.campaigns.forms import CampaignForm, start_of_day
from surveyapp.campaigns.limits import LimitsForm, set_limits
from surveyapp.campaigns.qr import QR_FORMATS, qr_svg
from surveyapp.campaigns.services import (
    CampaignError,
    campaign_or_404,
    campaigns_with_counts,
    close_campaign,
    create_campaign,
    open_campaign,
    public_url,
    response_count,
)
from surveyapp.extensions import db
from surveyapp.models import Campaign, CampaignStateError, Questionnaire, QuestionnaireVersion, WeightScheme

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns", template_folder="templates")

STAFF = (EVALUATOR, FIELD_STAFF)


@bp.get("/")
@role_required(*STAFF)
def index() -> str:
    """The campaigns of the user's areas, with responses against target."""
    return render_template("campaigns/index.html", rows=campaigns_with_counts(current_user))


def _version_choices() -> list[SelectChoice]:
    versions = db.session.scalars(
        select(QuestionnaireVersion)
        .join(Questionnaire)
        .where(QuestionnaireVersion.published_at.is_not(None))
        .order_by(Questionnaire.key, QuestionnaireVersion.version.desc())
    )
    return [SelectChoice(str(v.id), f"{v.title} ({v.key} v{v.version})") for v in versions]


def _scheme_choices() -> list[SelectChoice]:
    schemes = db.session.scalars(select(WeightScheme).order_by(WeightScheme.name))
    return [
        SelectChoice("", _("The questionnaire's own weights")),
        *(SelectChoice(str(s.id), s.name) for s in schemes),
    ]


def _campaign_form() -> CampaignForm:
    form = CampaignForm()
    form.version.choices = _version_choices()
    bind_area_field(form.area, current_user)
    form.weight_scheme.choices = _scheme_choices()
    if request.method == "GET" and request.args.get("version"):
        form.version.data = request.args["version"]
    return form


def _start(form: CampaignForm) -> Campaign:
    version = db.session.get(QuestionnaireVersion, int(form.version.data or 0))
    scheme_id = int(form.weight_scheme.data) if (form.weight_scheme.data or "").isdigit() else None
    if version is None:
        abort(400)
    return create_campaign(
        version,
        form.name.data or "",
        target_responses=form.target_responses.data,
        population_size=form.population_size.data,
        area_id=chosen_area_id(form.area.data),
        opens_at=start_of_day(form.opens_on.data),
        closes_at=start_of_day(form.closes_on.data, next_day=True),
        weight_scheme=db.session.get(WeightScheme, scheme_id) if scheme_id else None,
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(ADMIN)
def new() -> str | tuple[str, int] | BaseResponse:
    """Start a campaign from a published questionnaire version."""
    form = _campaign_form()
    if not form.validate_on_submit():
        return render_template("campaigns/new.html", form=form), (422 if form.is_submitted() else 200)
    try:
        campaign = _start(form)
    except OutOfReach as error:
        form.area.errors = [str(error)]
        return render_template("campaigns/new.html", form=form), 422
    except CampaignError as error:
        field = form._fields.get(error.field or "name") or form.name
        field.errors = [str(error)]
        return render_template("campaigns/new.html", form=form), 422
    flash(_("The campaign has started. Print its poster or download its QR code below."), "success")
    return redirect(url_for(".detail", slug=campaign.slug), code=303)


@bp.get("/<slug>")
@role_required(*STAFF)
def detail(slug: str) -> tuple[str, int]:
    """A campaign: its questionnaire, area, dates, responses against target, QR code."""
    return _detail_page(campaign_or_404(slug))


def _detail_page(campaign: Campaign, limits: LimitsForm | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        url=public_url(campaign),
        responses=response_count(campaign),
        limits=limits or LimitsForm(obj=campaign),
    ), status


@bp.post("/<slug>/limits")
@role_required(ADMIN)
def limits(slug: str) -> BaseResponse | tuple[str, int]:
    """Change how many responses the public form takes from one phone or one address."""
    campaign = campaign_or_404(slug)
    form = LimitsForm()
    if not form.validate_on_submit():
        return _detail_page(campaign, form, 422)
    set_limits(campaign, form.device_limit.data, form.address_daily_limit.data)
    flash(_("The response limits are saved."), "success")
    return redirect(url_for(".detail", slug=slug), code=303)


def _change_state(slug: str, opening: bool) -> BaseResponse:
    campaign = campaign_or_404(slug)
    try:
        (open_campaign if opening else close_campaign)(campaign)
    except CampaignStateError:
        flash(_("The campaign is already open.") if opening else _("The campaign is already closed."), "info")
    else:
        flash(_("The campaign is open.") if opening else _("The campaign is closed."), "success")
    return redirect(url_for(".detail", slug=slug), code=303)


@bp.post("/<slug>/close")
@role_required(ADMIN)
def close(slug: str) -> BaseResponse:
    """Stop accepting responses."""
    return _change_state(slug, opening=False)


@bp.post("/<slug>/open")
@role_required(ADMIN)
def reopen(slug: str) -> BaseResponse:
    """Accept responses again."""
    return _change_state(slug, opening=True)


def _qr_download(slug: str, suffix: str) -> Response:
    """The campaign's QR code as a file to download."""
    campaign = campaign_or_404(slug)
    maker, mimetype = QR_FORMATS[suffix]
    return Response(
        maker(public_url(campaign)),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{campaign.slug}-qr.{suffix}"'},
    )


@bp.get("/<slug>/qr.svg")
@role_required(*STAFF)
def qr_svg_download(slug: str) -> Response:
    """The campaign's QR code as SVG."""
    return _qr_download(slug, "svg")


@bp.get("/<slug>/qr.png")
@role_required(*STAFF)
def qr_png_download(slug: str) -> Response:
    """The campaign's QR code as PNG."""
    return _qr_download(slug, "png")


@bp.get("/<slug>/poster")
@role_required(*STAFF)
def poster(slug: str) -> str:
    """A printable A4 poster: the QR code, the title, the short address, how to answer."""
    campaign = campaign_or_404(slug)
    url = public_url(campaign)
    svg = qr_svg(url).decode("utf-8").split("?>", 1)[-1]
    # The poster speaks to respondents: in the questionnaire's language, not the staff member's.
    with force_locale(poster_locale(campaign.questionnaire_version.language)):
        # The SVG is made by the qrcode library from our own address, never from user input.
        qr = Markup(svg)  # nosec B704
        return render_template("campaigns/poster.html", campaign=campaign, url=url, qr=qr)


def poster_locale(language: str) -> str:
    """The interface locale that matches a questionnaire's language (``zh-CN`` → Chinese)."""
    return "en" if language.lower().startswith("en") else "zh_Hans_CN"
