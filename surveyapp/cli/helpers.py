"""What every command needs: one transaction per command, the campaign or questionnaire it names."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from surveyapp.campaigns.services import find_campaign
from surveyapp.extensions import db
from surveyapp.models import Campaign, QuestionnaireVersion
from surveyapp.questionnaires.services import find_version

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


def version_or_fail(key: str, number: int | None = None, *, published: bool = False) -> QuestionnaireVersion:
    """The questionnaire version (the latest without ``number``); a clear error if there is none."""
    version = find_version(key, number, published=published)
    if version is None:
        raise click.ClickException(f"no questionnaire '{key}'" + (f" version {number}" if number else ""))
    return version


def campaign_or_fail(slug: str) -> Campaign:
    """The campaign with this slug; a clear command-line error if there is none."""
    campaign = find_campaign(slug)
    if campaign is None:
        raise click.ClickException(f"no campaign with slug '{slug}'")
    return campaign
