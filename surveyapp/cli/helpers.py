"""What every command needs: one transaction per command, and the campaign a slug names."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from surveyapp.campaigns.services import find_campaign
from surveyapp.extensions import db
from surveyapp.models import Campaign

F = TypeVar("F", bound=Callable[..., Any])


def transactional(command: F) -> F:
    """Run a command in one transaction: commit when it succeeds, roll back when it fails."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = command(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return wrapper  # type: ignore[return-value]


def campaign_or_fail(slug: str) -> Campaign:
    """The campaign with this slug; a clear command-line error if there is none."""
    campaign = find_campaign(slug)
    if campaign is None:
        raise click.ClickException(f"no campaign with slug '{slug}'")
    return campaign
