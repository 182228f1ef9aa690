"""Areas as choices of a select field, indented by depth, limited to what a user reaches."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

from surveyapp.accounts.permissions import reaches_everything
from surveyapp.areas.services import ordered_areas

INDENT = "\u3000"  # an ideographic space keeps Chinese names aligned


def area_choices(
    user: Any, *, whole_city: bool = True, levels: tuple[str, ...] | None = None
) -> list[SelectChoice]:
    """Choices (id, label) of the areas ``user`` reaches; ``""`` is the whole city when allowed."""
    everything = reaches_everything(user)
    choices = [SelectChoice("", _("Whole city (every area)"))] if whole_city and everything else []
    for area, depth in ordered_areas(None if everything else user.area_id):
        if levels is None or area.level in levels:
            choices.append(SelectChoice(str(area.id), f"{INDENT * depth}{area.name}"))
    return choices


def chosen_area_id(value: str | None) -> int | None:
    """The area id a select field sent; None for the whole city."""
    return int(value) if value and value.isdigit() else None


def bind_area_field(field: SelectField, user: Any) -> None:
    """Offer ``user``'s areas; a user who does not reach the whole city must choose one of them.

    An empty choice means the whole city, so for a county user the field is required: WTForms'
    ``Optional`` would otherwise accept the empty value and skip the check of the choices.
    """
    field.choices = area_choices(user)
    if not reaches_everything(user):
        field.validators = [InputRequired(message=_l("Please choose an area you are responsible for."))]
