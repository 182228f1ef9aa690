"""``surveyapp entries import``: store the entries a device saved as a file, as its sync would have."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from surveyapp.audit import services as audit
from surveyapp.campaigns.services import find_campaign
from surveyapp.extensions import db
from surveyapp.fieldwork.capture import Refusal, accept
from surveyapp.models import User

FILE_FORMAT = "surveyapp-entries"
ACCOUNT = re.compile(r"^u(\d+)-")


def _outcome(entry: dict[str, Any]) -> str:
    """Store one entry of the file; the outcome as a line of text."""
    fields = [(str(k), str(v)) for k, v in entry.get("fields", [])]
    submission_id = dict(fields).get("submission_id", "")
    account = ACCOUNT.match(submission_id)
    user = db.session.get(User, int(account.group(1))) if account else None
    campaign = find_campaign(str(entry.get("campaign", "")))
    if user is None or campaign is None:
        return f"{submission_id}: refused: unknown account or campaign"
    with db.session.begin_nested():
        result = accept(campaign, user, str(entry.get("kind", "")), MultiDict(fields))
    if isinstance(result, Refusal):
        return f"{submission_id}: refused: {result.reason}"
    response, created = result
    return f"{submission_id}: {'stored' if created else 'already stored'} as response {response.id}"


def import_entries(payload: dict[str, Any]) -> list[str]:
    """Store every entry of a device's file (flushes); one line per entry saying what became of it."""
    if payload.get("format") != FILE_FORMAT:
        raise click.ClickException("not a file of entries saved on a device (format surveyapp-entries)")
    with force_locale("en"):  # the command line speaks English, like the rest of it
        return [_outcome(entry) for entry in payload.get("entries", [])]


@click.group("entries")
def entries_group() -> None:
    """Entries made on field devices."""


@entries_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def entries_import(file: Path) -> None:
    """Store the entries of a file saved on a device ("Save as a file"); each is stored once.

    The entries keep the account that made them. A closed campaign refuses them: open it with
    ``campaign open``, import, and close it again.
    """
    try:
        payload = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{file.name} is not a JSON file: {error}") from error
    lines = import_entries(payload)
    stored = sum(": stored as " in line for line in lines)
    audit.record("entries.import", None, file=file.name, entries=len(lines), added=stored)
    db.session.commit()
    for line in lines:
        click.echo(line)
    click.echo(f"{stored} of {len(lines)} entries stored")


FIELDWORK_COMMANDS: list[click.Command] = [entries_group]
