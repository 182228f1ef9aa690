"""``surveyapp user create``: make a staff account from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from surveyapp.accounts.services import AccountError, create_user
from surveyapp.cli.helpers import transactional
from surveyapp.extensions import db
from surveyapp.models import ROLES, Area


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
        with force_locale("en"):  # the command line speaks English
            raise click.ClickException(str(error)) from error
    click.echo(f"user {user.username} created with role {user.role}")
