"""Campaign QR codes and the printable poster."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from markupsafe import Markup

from surveyapp.campaigns.qr import qr_png, qr_svg
from surveyapp.campaigns.services import find_campaign, public_url
from surveyapp.models import Campaign

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns", template_folder="templates")


def _campaign_or_404(slug: str) -> Campaign:
    from flask import abort

    campaign = find_campaign(slug)
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/<slug>/qr.svg")
def qr_svg_download(slug: str) -> Response:
    """The campaign's QR code as SVG."""
    campaign = _campaign_or_404(slug)
    return Response(
        qr_svg(public_url(campaign)),
        mimetype="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{campaign.slug}-qr.svg"'},
    )


@bp.get("/<slug>/qr.png")
def qr_png_download(slug: str) -> Response:
    """The campaign's QR code as PNG."""
    campaign = _campaign_or_404(slug)
    return Response(
        qr_png(public_url(campaign)),
        mimetype="image/png",
        headers={"Content-Disposition": f'attachment; filename="{campaign.slug}-qr.png"'},
    )


@bp.get("/<slug>/poster")
def poster(slug: str) -> str:
    """A printable A4 poster: the QR code, the title, the short address, how to answer."""
    campaign = _campaign_or_404(slug)
    url = public_url(campaign)
    svg = qr_svg(url).decode("utf-8").split("?>", 1)[-1]
    return render_template("campaigns/poster.html", campaign=campaign, url=url, qr=Markup(svg))
