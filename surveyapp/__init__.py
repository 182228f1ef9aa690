"""surveyapp: satisfaction surveys for government performance evaluations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from surveyapp.config import load_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the application."""
    instance_path = os.environ.get("SURVEYAPP_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)

    _init_extensions(app)
    _register_blueprints(app)

    from surveyapp import database, web
    from surveyapp.cli import registry
    from surveyapp.scoring import upkeep

    web.init_app(app)
    upkeep.init_app(app)
    registry.init_app(app)
    database.init_app(app)  # last: its commit runs before the other after-request hooks
    return app


def _init_extensions(app: Flask) -> None:
    from surveyapp import database, i18n
    from surveyapp.accounts.views import init_app as init_accounts
    from surveyapp.extensions import csrf, db, login_manager, migrate

    database.configure(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    i18n.init_app(app)
    login_manager.init_app(app)
    init_accounts(app)


def _register_blueprints(app: Flask) -> None:
    from surveyapp.accounts.views import bp as accounts_bp
    from surveyapp.areas.views import bp as areas_bp
    from surveyapp.audit.views import bp as audit_bp
    from surveyapp.campaigns.views import bp as campaigns_bp
    from surveyapp.dashboard.views import bp as dashboard_bp
    from surveyapp.distribution.views import bp as distribution_bp
    from surveyapp.errors import bp as errors_bp
    from surveyapp.evaluation.views import bp as evaluation_bp
    from surveyapp.fieldwork.views import bp as fieldwork_bp
    from surveyapp.indicators.funds_views import bp as funds_bp
    from surveyapp.indicators.views import bp as indicators_bp
    from surveyapp.quality.views import bp as quality_bp
    from surveyapp.questionnaires.views import bp as questionnaires_bp
    from surveyapp.survey.views import bp as survey_bp
    from surveyapp.users.views import bp as users_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(accounts_bp)
    for staff_bp in (
        dashboard_bp,
        questionnaires_bp,
        fieldwork_bp,
        users_bp,
        areas_bp,
        audit_bp,
        indicators_bp,
        funds_bp,
        evaluation_bp,
        distribution_bp,
        quality_bp,
    ):
        app.register_blueprint(staff_bp)
