"""The application's own commands: ``init`` prepares the database, ``serve`` serves the app."""

from __future__ import annotations

from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_migrate import upgrade
from sqlalchemy import select

from surveyapp.areas.services import load_areas
from surveyapp.campaigns.qr import qr_text
from surveyapp.campaigns.services import create_campaign, public_url
from surveyapp.cli.helpers import transactional
from surveyapp.extensions import db
from surveyapp.migration_lock import migration_lock
from surveyapp.models import Campaign, User
from surveyapp.questionnaires.services import find_version, load_bundled
from surveyapp.scoring.schemes import load_builtin_schemes


def _upgrade_and_load() -> None:
    """Upgrade the schema and load the bundled data, one process at a time (then commit)."""
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
    # Imported here, not at the top: gunicorn loads only where the app is served (it cannot load
    # on every system the other commands run on). Not a cycle: server imports no command.
    from surveyapp.server import run, served_address

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    note = None
    if not app.config.get("BASE_URL"):
        address, note = served_address(host, port)
        # Without a known address the links still work on this machine; the note says what to set.
        app.config["BASE_URL"] = address or f"http://127.0.0.1:{port}"
    try:
        _upgrade_and_load()
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
