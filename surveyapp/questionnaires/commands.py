"""``surveyapp questionnaire``: load, publish, show and list questionnaires."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from surveyapp.cli.helpers import transactional, version_or_fail
from surveyapp.extensions import db
from surveyapp.models import Questionnaire, QuestionnaireVersion
from surveyapp.questionnaires.describe import version_as_dict
from surveyapp.questionnaires.services import load_questionnaire_file, publish_version
from surveyapp.questionnaires.spec import QuestionnaireFileError


@click.group("questionnaire")
def questionnaire_group() -> None:
    """Load and list questionnaires."""


@questionnaire_group.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--draft", is_flag=True, help="Store it unpublished: no campaign can use it until published.")
@click.option("--version", "number", type=click.IntRange(min=1), help="Store as this version number.")
@with_appcontext
@transactional
def questionnaire_load(path: Path, draft: bool, number: int | None) -> None:
    """Check and store a questionnaire file (.yaml, or XLSForm .xlsx / .xls), published unless --draft."""
    try:
        version, created = load_questionnaire_file(path, as_version=number)
    except QuestionnaireFileError as error:
        raise click.ClickException(str(error)) from error
    state = "loaded" if created else "already loaded, nothing changed"
    if not draft and publish_version(version):
        state = "loaded and published" if created else "already loaded, now published"
    elif draft and created:
        state = "loaded as a draft (publish it with: surveyapp questionnaire publish " + version.key + ")"
    click.echo(f"{version.key} version {version.version}: {state}")


@questionnaire_group.command("publish")
@click.argument("key")
@click.option("--version", "number", type=click.IntRange(min=1), help="Version to publish (default: latest).")
@with_appcontext
@transactional
def questionnaire_publish(key: str, number: int | None) -> None:
    """Make a loaded version available for campaigns."""
    version = version_or_fail(key, number)
    state = "published" if publish_version(version) else "already published"
    click.echo(f"{key} version {version.version}: {state}")


@questionnaire_group.command("show")
@click.argument("key")
@click.option("--version", "number", type=click.IntRange(min=1), help="Version to show (default: latest).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only format for now).")
@with_appcontext
def questionnaire_show(key: str, number: int | None, as_json: bool) -> None:
    """Print a stored questionnaire: every group, note and question with its texts and choices."""
    version = version_or_fail(key, number)
    click.echo(json.dumps(version_as_dict(version), ensure_ascii=False, indent=2))


@questionnaire_group.command("list")
@with_appcontext
def questionnaire_list() -> None:
    """List stored questionnaires and their versions."""
    rows = db.session.execute(
        select(Questionnaire.key, QuestionnaireVersion.version, QuestionnaireVersion.title)
        .join(QuestionnaireVersion)
        .order_by(Questionnaire.key, QuestionnaireVersion.version)
    ).all()
    for key, version, title in rows:
        click.echo(f"{key}\tv{version}\t{title}")
