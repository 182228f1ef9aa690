"""``surveyapp campaign``: create, show, list, close, open campaigns, their QR code and limits.

Other features add their own ``campaign`` subcommands (``scheme``, ``access``) through
:mod:`surveyapp.cli.registry`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from surveyapp.campaigns.limits import MAX_LIMIT, set_limits
from surveyapp.campaigns.qr import QR_FORMATS
from surveyapp.campaigns.services import (
    CampaignError,
    close_campaign,
    create_campaign,
    open_campaign,
    public_url,
    response_count,
)
from surveyapp.cli.helpers import campaign_or_fail, transactional, version_or_fail
from surveyapp.extensions import db
from surveyapp.models import Campaign
from surveyapp.questionnaires.services import find_version


@click.group("campaign")
def campaign_group() -> None:
    """Create and inspect campaigns."""


@campaign_group.command("create")
@click.option("--questionnaire", "key", required=True, help="Questionnaire id.")
@click.option(
    "--version", type=click.IntRange(min=1), help="Questionnaire version (default: the latest published)."
)
@click.option("--name", required=True)
@click.option("--target", type=click.IntRange(min=1), help="Target number of responses.")
@click.option("--population", type=click.IntRange(min=1), help="Number of people the sample is drawn from.")
@with_appcontext
@transactional
def campaign_create(
    key: str, version: int | None, name: str, target: int | None, population: int | None
) -> None:
    """Start a campaign (on the latest published version by default); the last line printed is its address."""
    if version is None and find_version(key, published=True) is None and find_version(key) is not None:
        raise click.ClickException(
            f"questionnaire '{key}' has no published version yet: "
            f"publish one with 'surveyapp questionnaire publish {key}'"
        )
    found = version_or_fail(key, version, published=version is None)
    try:
        campaign = create_campaign(found, name, target_responses=target, population_size=population)
    except CampaignError as error:
        with force_locale("en"):  # the command line speaks English
            raise click.ClickException(str(error)) from error
    click.echo(f"campaign “{campaign.name}” on {key} version {found.version}")
    click.echo(public_url(campaign))


def campaign_summary(campaign: Campaign) -> dict[str, Any]:
    """The campaign as the ``campaign show --json`` contract describes it."""
    version = campaign.questionnaire_version
    return {
        "slug": campaign.slug,
        "name": campaign.name,
        "questionnaire": version.key,
        "version": version.version,
        "status": campaign.status,
        "responses": response_count(campaign),
        "target": campaign.target_responses,
        "population": campaign.population_size,
        "access": campaign.access,
        "url": public_url(campaign),
        "created_at": campaign.created_at.isoformat(),
    }


@campaign_group.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@with_appcontext
def campaign_show(slug: str, as_json: bool) -> None:
    """Show a campaign and its number of responses."""
    summary = campaign_summary(campaign_or_fail(slug))
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    for key, value in summary.items():
        click.echo(f"{key}: {value}")


@campaign_group.command("list")
@with_appcontext
def campaign_list() -> None:
    """List campaigns."""
    for campaign in db.session.scalars(select(Campaign).order_by(Campaign.id)):
        click.echo(f"{campaign.slug}\t{campaign.status}\t{campaign.name}")


@campaign_group.command("close")
@click.argument("slug")
@with_appcontext
@transactional
def campaign_close(slug: str) -> None:
    """Stop accepting responses."""
    campaign = campaign_or_fail(slug)
    if campaign.status == "closed":
        raise click.ClickException(f"campaign '{slug}' is already closed")
    close_campaign(campaign)
    click.echo(f"campaign {slug} closed")


@campaign_group.command("open")
@click.argument("slug")
@with_appcontext
@transactional
def campaign_open(slug: str) -> None:
    """Accept responses again."""
    campaign = campaign_or_fail(slug)
    if campaign.status == "open":
        raise click.ClickException(f"campaign '{slug}' is already open")
    open_campaign(campaign)
    click.echo(f"campaign {slug} open")


@campaign_group.command("qr")
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write: .svg or .png.",
)
@with_appcontext
def campaign_qr(slug: str, output: Path) -> None:
    """Write the campaign's QR code to a file."""
    url = public_url(campaign_or_fail(slug))
    made = QR_FORMATS.get(output.suffix.lower().lstrip("."))
    if made is None:
        raise click.ClickException("the output file must end in .svg or .png")
    output.write_bytes(made[0](url))
    click.echo(f"{output}: QR code of {url}")


def _limit(value: str) -> int | None:
    if value.strip().lower() == "off":
        return None
    try:
        number = int(value)
    except ValueError as error:
        raise click.BadParameter(f"'{value}' is neither a whole number nor 'off'") from error
    if not 1 <= number <= MAX_LIMIT:
        raise click.BadParameter(f"{number} is not from 1 to {MAX_LIMIT}")
    return number


def _shown(value: int | None) -> str:
    return "off" if value is None else str(value)


@click.command("limits")
@click.argument("slug")
@click.option("--per-device", help="Most responses from one phone, or 'off'.")
@click.option("--per-address-day", help="Most responses from one address in 24 hours, or 'off'.")
@with_appcontext
def limits_command(slug: str, per_device: str | None, per_address_day: str | None) -> None:
    """Show or change how many responses campaign SLUG's public form takes from one phone or address."""
    campaign = campaign_or_fail(slug)
    if per_device is not None or per_address_day is not None:
        device = _limit(per_device) if per_device is not None else campaign.device_limit
        address = _limit(per_address_day) if per_address_day is not None else campaign.address_daily_limit
        set_limits(campaign, device, address)
        db.session.commit()
    click.echo(
        f"{slug}: per device {_shown(campaign.device_limit)}, "
        f"per address per day {_shown(campaign.address_daily_limit)}"
    )
