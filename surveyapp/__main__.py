"""The ``surveyapp`` console script, also run as ``python -m surveyapp``."""

from __future__ import annotations

import os

from flask.cli import FlaskGroup

from surveyapp import create_app


def main() -> None:
    """Entry point of the ``surveyapp`` console script."""
    os.environ.setdefault("FLASK_RUN_FROM_CLI", "false")
    FlaskGroup(
        create_app=create_app,
        help="surveyapp: satisfaction surveys for performance evaluations.",
        load_dotenv=False,
    )(prog_name="surveyapp")


if __name__ == "__main__":
    main()
