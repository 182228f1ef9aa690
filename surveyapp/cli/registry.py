"""Every feature's commands, put on the app: ``surveyapp ...`` and ``flask --app surveyapp ...``."""

from __future__ import annotations

import click
from flask import Flask

from surveyapp.campaigns.commands import campaign_group, limits_command
from surveyapp.cli.core import init_command, serve_command
from surveyapp.distribution.commands import DISTRIBUTION_COMMANDS, campaign_access
from surveyapp.evaluation.commands import EVALUATION_COMMANDS, campaign_scheme
from surveyapp.fieldwork.commands import FIELDWORK_COMMANDS
from surveyapp.indicators.commands import indicators_group
from surveyapp.questionnaires.commands import questionnaire_group
from surveyapp.users.commands import user_group

#: The ``campaign`` subcommands that belong to other features.
CAMPAIGN_SUBCOMMANDS: list[click.Command] = [campaign_scheme, campaign_access, limits_command]

COMMANDS: list[click.Command] = [
    init_command,
    serve_command,
    questionnaire_group,
    campaign_group,
    user_group,
    indicators_group,
    *EVALUATION_COMMANDS,
    *DISTRIBUTION_COMMANDS,
    *FIELDWORK_COMMANDS,
]


def init_app(app: Flask) -> None:
    """Register the commands on the app, so ``flask --app surveyapp`` has them too."""
    for command in CAMPAIGN_SUBCOMMANDS:
        campaign_group.add_command(command)
    for command in COMMANDS:
        app.cli.add_command(command)
