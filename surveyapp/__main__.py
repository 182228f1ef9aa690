"""The ``surveyapp`` console script, also run as ``python -m surveyapp``."""

from __future__ import annotations

import os
from typing import Any

import click
from flask.cli import FlaskGroup
from sqlalchemy.exc import DBAPIError

from surveyapp import create_app

NOT_SET_UP = "the database is not set up yet: run `surveyapp init` first (safe to run twice)"


def database_problem(error: DBAPIError) -> str:
    """One line for a command's database error: what to do when it is not set up, else why."""
    text = str(error.orig)
    if "no such table" in text or getattr(error.orig, "sqlstate", None) == "42P01":  # undefined table
        return NOT_SET_UP
    return f"the database refused this: {text.splitlines()[0] if text else type(error.orig).__name__}"


class SurveyappGroup(FlaskGroup):
    """Flask's command group, telling a database that is missing or refuses in one line."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a database error becomes a message, not a traceback."""
        try:
            return super().invoke(ctx)
        except DBAPIError as error:
            raise click.ClickException(database_problem(error)) from None


cli = SurveyappGroup(
    create_app=create_app,
    help="surveyapp: satisfaction surveys for performance evaluations.",
    load_dotenv=False,
)


def main() -> None:
    """Entry point of the ``surveyapp`` console script."""
    os.environ.setdefault("FLASK_RUN_FROM_CLI", "false")
    cli(prog_name="surveyapp")


if __name__ == "__main__":
    main()
