"""How many responses a campaign's public form takes from one phone and from one address.

Both limits are on by default with generous values (see ``DEFAULT_DEVICE_LIMIT`` and
``DEFAULT_ADDRESS_DAILY_LIMIT`` in the campaign model) and can be turned off. The staff page and
the command line call :func:`set_limits`, which records the change in the audit log.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from surveyapp import audit
from surveyapp.models import Campaign
from surveyapp.validation import WithinColumn

#: Above this a limit means nothing: turn it off instead.
MAX_LIMIT = 1_000_000
_RANGE = _l("Please enter a whole number from 1 to 1000000, or leave it empty for no limit.")


class LimitsForm(FlaskForm):
    """The two limits; an empty field turns a limit off."""

    device_limit = IntegerField(
        _l("Most responses from one phone"),
        validators=[Optional(), WithinColumn(_RANGE), NumberRange(min=1, max=MAX_LIMIT, message=_RANGE)],
    )
    address_daily_limit = IntegerField(
        _l("Most responses from one network address in 24 hours"),
        validators=[Optional(), WithinColumn(_RANGE), NumberRange(min=1, max=MAX_LIMIT, message=_RANGE)],
    )


def set_limits(campaign: Campaign, device_limit: int | None, address_daily_limit: int | None) -> None:
    """Change the campaign's limits (None turns one off), audited; flushes."""
    for value in (device_limit, address_daily_limit):
        if value is not None and not 1 <= value <= MAX_LIMIT:
            raise ValueError(f"a limit must be a whole number from 1 to {MAX_LIMIT}, or off")
    before = {"device_limit": campaign.device_limit, "address_daily_limit": campaign.address_daily_limit}
    campaign.device_limit = device_limit
    campaign.address_daily_limit = address_daily_limit
    after = {"device_limit": device_limit, "address_daily_limit": address_daily_limit}
    audit.record("campaign.limits", campaign, campaign_slug=campaign.slug, before=before, after=after)


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
    from surveyapp.cli import _campaign_or_fail
    from surveyapp.extensions import db

    campaign = _campaign_or_fail(slug)
    if per_device is not None or per_address_day is not None:
        device = _limit(per_device) if per_device is not None else campaign.device_limit
        address = _limit(per_address_day) if per_address_day is not None else campaign.address_daily_limit
        set_limits(campaign, device, address)
        db.session.commit()
    click.echo(
        f"{slug}: per device {_shown(campaign.device_limit)}, "
        f"per address per day {_shown(campaign.address_daily_limit)}"
    )
