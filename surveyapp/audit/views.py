"""The administrators' view of the audit log: read and filter, never edit."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from surveyapp.accounts.permissions import ADMIN, reachable_area_ids, role_required
from surveyapp.audit.services import AuditFilter, audit_query, known_actions
from surveyapp.campaigns.forms import start_of_day
from surveyapp.extensions import db
from surveyapp.labels import AUDIT_ACTIONS, label

bp = Blueprint("audit", __name__, url_prefix="/admin/audit", template_folder="templates")

PAGE_SIZE = 100


class AuditFilterForm(FlaskForm):
    """Filters sent in the address (GET), so a filtered view can be bookmarked."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(_l("User name"), validators=[Optional(), Length(max=64)])
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("To (date, inclusive)"), validators=[Optional()])


@bp.get("/")
@role_required(ADMIN)
def index() -> tuple[str, int]:
    """The newest events first, filtered, a page at a time; county administrators see their reach's."""
    areas = reachable_area_ids(current_user)
    form = AuditFilterForm(request.args)
    form.action.choices = [
        SelectChoice("", str(_l("Every action"))),
        *(SelectChoice(a, label(AUDIT_ACTIONS, a)) for a in known_actions(areas)),
    ]
    valid = form.validate()
    where = (
        AuditFilter(
            action=form.action.data or None,
            actor=(form.actor.data or "").strip() or None,
            since=start_of_day(form.since.data),
            until=start_of_day(form.until.data, next_day=True),
            areas=areas,
        )
        if valid
        else AuditFilter(areas=areas)
    )
    page = max(1, request.args.get("page", 1, type=int) or 1)
    events = db.session.scalars(audit_query(where).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    status = 200 if valid else 422
    return render_template(
        "audit/index.html",
        form=form,
        events=events[:PAGE_SIZE],
        page=page,
        more=len(events) > PAGE_SIZE,
        filters={key: value for key, value in request.args.items() if key != "page"},
    ), status
