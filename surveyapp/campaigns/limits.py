"""How many responses a campaign's public form takes from one phone and from one address.

Both limits are on by default with generous values (see ``DEFAULT_DEVICE_LIMIT`` and
``DEFAULT_ADDRESS_DAILY_LIMIT`` in the campaign model) and can be turned off. The staff page and
the command line (``campaign limits``, in ``commands.py``) call :func:`set_limits`, which records
the change in the audit log.
"""

from __future__ import annotations

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
