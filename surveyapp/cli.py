"""The ``surveyapp`` command line: a Flask CLI group, so ``db``, ``routes`` and ``shell`` work too."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from surveyapp.accounts.services import AccountError, create_user
from surveyapp.areas.services import load_areas
from surveyapp.campaigns.qr import QR_FORMATS, qr_text
from surveyapp.campaigns.services import (
    close_campaign,
    create_campaign,
    find_campaign,
    open_campaign,
    public_url,
    response_count,
)
from surveyapp.extensions import db
from surveyapp.indicators.cli import indicators_group
from surveyapp.models import ROLES, Area, Campaign, Questionnaire, QuestionnaireVersion, User
from surveyapp.questionnaires.services import (
    find_version,
    load_bundled,
    load_questionnaire_file,
    publish_version,
)
from surveyapp.questionnaires.spec import QuestionnaireFileError
from surveyapp.scoring.schemes import load_builtin_schemes

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


def _upgrade_and_load() -> None:
    """Upgrade the schema and load the bundled data, one process at a time (then commit)."""
    from flask_migrate import upgrade

    from surveyapp.migration_lock import migration_lock

    with migration_lock(current_app._get_current_object()):  # type: ignore[attr-defined]
        _upgrade_and_load_unlocked(upgrade)
        db.session.commit()


def _upgrade_and_load_unlocked(upgrade: Callable[[], None]) -> None:
    upgrade()
    added = load_areas()
    click.echo(f"areas: {added} added" if added else "areas: already loaded")
    for scheme, new in load_builtin_schemes():
        click.echo(f"weight scheme {scheme.key}: {'loaded' if new else 'already loaded'}")
    for version, created in load_bundled():
        state = "loaded" if created else "already loaded"
        click.echo(f"questionnaire {version.key} version {version.version}: {state}")


@click.command("init")
@with_appcontext
@transactional
def init_command() -> None:
    """Apply the database migrations and load the bundled questionnaires (safe to run twice)."""
    _upgrade_and_load()


def _ensure_demo_campaign() -> Campaign:
    campaign = db.session.scalars(select(Campaign).order_by(Campaign.id)).first()
    if campaign is not None:
        return campaign
    version = find_version("kunming-2022-pension-satisfaction")
    if version is None:
        raise click.ClickException("the bundled questionnaire is missing")
    # Named in the default language (Chinese): the name is stored, and shown on every page.
    return create_campaign(version, _("Demo campaign"), target_responses=41, population_size=23186)


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 for phones on the same network.",
)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve_command(host: str, port: int, workers: int) -> None:
    """Prepare the database, make a demo campaign if there is none, and serve the application."""
    from surveyapp.server import run, served_address

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    note = None
    if not app.config.get("BASE_URL"):
        address, note = served_address(host, port)
        # Without a known address the links still work on this machine; the note says what to set.
        app.config["BASE_URL"] = address or f"http://127.0.0.1:{port}"
    try:
        _upgrade_and_load()
        from surveyapp.migration_lock import migration_lock

        with migration_lock(app):  # two servers starting together make one demo campaign
            campaign = _ensure_demo_campaign()
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    url = public_url(campaign)
    click.echo(qr_text(url))
    click.echo(f"Survey “{campaign.name}”: {url}")
    if note:
        click.echo(f"Note: {note}")
    click.echo(
        f"QR poster (for staff, after signing in): {app.config['BASE_URL']}/campaigns/{campaign.slug}/poster"
    )
    if db.session.scalar(select(User.id).limit(1)) is None:
        click.echo("No staff account yet: create the first administrator with")
        click.echo("    surveyapp user create NAME --role admin")
    db.session.remove()
    db.engine.dispose()  # workers fork next: none may inherit an open connection
    run(app, host=host, port=port, workers=workers)


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
    version = find_version(key, number)
    if version is None:
        raise click.ClickException(f"no questionnaire '{key}'" + (f" version {number}" if number else ""))
    state = "published" if publish_version(version) else "already published"
    click.echo(f"{key} version {version.version}: {state}")


@questionnaire_group.command("show")
@click.argument("key")
@click.option("--version", "number", type=click.IntRange(min=1), help="Version to show (default: latest).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only format for now).")
@with_appcontext
def questionnaire_show(key: str, number: int | None, as_json: bool) -> None:
    """Print a stored questionnaire: every group, note and question with its texts and choices."""
    import json

    from surveyapp.questionnaires.describe import version_as_dict

    version = find_version(key, number)
    if version is None:
        raise click.ClickException(f"no questionnaire '{key}'" + (f" version {number}" if number else ""))
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


@click.group("campaign")
def campaign_group() -> None:
    """Create and inspect campaigns."""


def _campaign_or_fail(slug: str) -> Campaign:
    campaign = find_campaign(slug)
    if campaign is None:
        raise click.ClickException(f"no campaign with slug '{slug}'")
    return campaign


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
    found = find_version(key, version, published=version is None)
    if found is None and version is None and find_version(key) is not None:
        raise click.ClickException(
            f"questionnaire '{key}' has no published version yet: "
            f"publish one with 'surveyapp questionnaire publish {key}'"
        )
    if found is None:
        raise click.ClickException(f"no questionnaire '{key}'" + (f" version {version}" if version else ""))
    try:
        campaign = create_campaign(found, name, target_responses=target, population_size=population)
    except ValueError as error:
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
    summary = campaign_summary(_campaign_or_fail(slug))
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
    campaign = _campaign_or_fail(slug)
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
    campaign = _campaign_or_fail(slug)
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
    url = public_url(_campaign_or_fail(slug))
    made = QR_FORMATS.get(output.suffix.lower().lstrip("."))
    if made is None:
        raise click.ClickException("the output file must end in .svg or .png")
    output.write_bytes(made[0](url))
    click.echo(f"{output}: QR code of {url}")


@click.group("user")
def user_group() -> None:
    """Manage staff accounts."""


@user_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="admin, evaluator or field_staff.")
@click.option("--area", "area_code", help="Code of the area the user is bound to (default: every area).")
@click.option("--name", "display_name", help="The name shown in pages and the audit log.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
@transactional
def user_create(
    username: str, role: str, area_code: str | None, display_name: str | None, password_stdin: bool
) -> None:
    """Make a staff account; the password is asked for, never given on the command line."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    area = None
    if area_code:
        area = db.session.scalars(select(Area).where(Area.code == area_code)).first()
        if area is None:
            raise click.ClickException(f"no area with code '{area_code}'")
    try:
        user = create_user(username, password, role, area=area, display_name=display_name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"user {user.username} created with role {user.role}")


COMMANDS: list[click.Command] = [
    init_command,
    serve_command,
    questionnaire_group,
    campaign_group,
    user_group,
    indicators_group,
]


def init_app(app: Flask) -> None:
    """Register the commands on the app, so ``flask --app surveyapp`` has them too."""
    from surveyapp.campaigns.limits import limits_command
    from surveyapp.distribution.commands import DISTRIBUTION_COMMANDS, campaign_access
    from surveyapp.evaluation.commands import EVALUATION_COMMANDS  # imports this module: import late
    from surveyapp.fieldwork.commands import FIELDWORK_COMMANDS

    campaign_group.add_command(campaign_access)
    campaign_group.add_command(limits_command)
    for command in [*COMMANDS, *EVALUATION_COMMANDS, *DISTRIBUTION_COMMANDS, *FIELDWORK_COMMANDS]:
        app.cli.add_command(command)


def main() -> None:
    """Entry point of the ``surveyapp`` console script."""
    from surveyapp import create_app

    os.environ.setdefault("FLASK_RUN_FROM_CLI", "false")
    FlaskGroup(
        create_app=create_app,
        help="surveyapp: satisfaction surveys for performance evaluations.",
        load_dotenv=False,
    )(prog_name="surveyapp")
