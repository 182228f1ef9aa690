"""The staff dashboard (at ``/`` once signed in) and the staff navigation."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template
from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from surveyapp.accounts.permissions import ADMIN, EVALUATOR, FIELD_STAFF, has_role
from surveyapp.campaigns.services import campaigns_with_counts
from surveyapp.models import utcnow
from surveyapp.survey.views import STAFF_HOME

bp = Blueprint("dashboard", __name__, template_folder="templates")


@bp.record_once
def _be_the_staff_home(state: BlueprintSetupState) -> None:
    state.app.extensions[STAFF_HOME] = dashboard


#: The staff navigation: endpoint, label, and the roles that see it (administrators see all).
#: Other features add their pages here.
STAFF_LINKS: list[tuple[str, object, tuple[str, ...]]] = [
    ("survey.index", _l("Overview"), (EVALUATOR, FIELD_STAFF)),
    ("campaigns.index", _l("Campaigns"), (EVALUATOR, FIELD_STAFF)),
    ("questionnaires.index", _l("Questionnaires"), (EVALUATOR,)),
    ("fieldwork.index", _l("Data entry"), (FIELD_STAFF,)),
    ("evaluation.index", _l("Evaluation"), (EVALUATOR,)),
    ("indicators.index", _l("Indicator tables"), (EVALUATOR,)),
    ("users.index", _l("Users"), (ADMIN,)),
    ("areas.index", _l("Areas"), (ADMIN,)),
    ("audit.index", _l("Audit log"), (ADMIN,)),
    ("accounts.password", _l("Change password"), (ADMIN, EVALUATOR, FIELD_STAFF)),
]


@bp.app_template_global()
def staff_links() -> list[tuple[str, object]]:
    """The navigation links the signed-in user may follow."""
    return [(endpoint, label) for endpoint, label, roles in STAFF_LINKS if has_role(current_user, *roles)]


@bp.app_template_global()
def now() -> datetime:
    """The current time (aware, UTC), for templates that compare dates."""
    return utcnow()


def dashboard() -> str:
    """The signed-in user's overview: campaigns of their areas with responses against target."""
    return render_template("dashboard/index.html", rows=campaigns_with_counts(current_user, limit=20))
