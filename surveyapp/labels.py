"""What every stored code is called in the user's language, for pages and exports alike.

Codes (``qr``, ``read_aloud``, ``banded``, ``sign_in.failed`` …) stay in the database, the JSON
exports and the command line's arguments; people read these names instead. The names are lazy
strings, resolved in the language of the request (Chinese outside a request).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

CHANNELS = {
    "qr": _l("QR code"),
    "interview": _l("Interview"),
    "paper": _l("Paper"),
    "import": _l("Import"),
}

MODES = {
    "self": _l("On their own"),
    "read_aloud": _l("Read aloud"),
    "proxy": _l("Guardian"),
}

ROLES = {
    "admin": _l("Administrator"),
    "evaluator": _l("Evaluator"),
    "field_staff": _l("Field staff"),
}

INDICATOR_TYPES = {
    "quantity": _l("Quantity (数量)"),
    "quality": _l("Quality (质量)"),
    "timeliness": _l("Timeliness (时效)"),
    "cost": _l("Cost (成本)"),
    "benefit": _l("Benefit (效益)"),
    "satisfaction": _l("Satisfaction (满意度)"),
    "qualitative": _l("Qualitative judgement (定性判断)"),
}

RULES = {
    "target": _l("Full marks when the target is met"),
    "proportional": _l("In proportion to actual / target"),
    "inverse": _l("In proportion to target / actual"),
    "banded": _l("By band (优/良/差)"),
    "manual": _l("Scored by the evaluator"),
}

LINK_KINDS = {
    "none": _l("Nothing (typed by hand)"),
    "campaign_score": _l("The campaign's score"),
    "campaign_satisfaction_rate": _l("The campaign's satisfaction rate"),
    "campaign_responses": _l("The campaign's number of responses"),
}

AUDIT_ACTIONS = {
    "sign_in": _l("Signed in"),
    "sign_in.failed": _l("Sign-in refused: wrong name or password"),
    "sign_in.throttled": _l("Sign-in refused: too many attempts"),
    "account.create": _l("Account created"),
    "account.update": _l("Account changed"),
    "account.password_change": _l("Password changed"),
    "account.password_reset": _l("Password reset"),
    "area.create": _l("Area added"),
    "questionnaire.upload": _l("Questionnaire loaded"),
    "questionnaire.publish": _l("Questionnaire version published"),
    "campaign.create": _l("Campaign started"),
    "campaign.open": _l("Campaign opened"),
    "campaign.close": _l("Campaign closed"),
    "campaign.scheme": _l("Weight scheme changed"),
    "responses.import": _l("Responses imported"),
    "report.export": _l("Report exported"),
    "indicator.create": _l("Indicator table made"),
    "indicator.change": _l("Indicator table changed"),
    "indicator.export": _l("Indicator table exported"),
}

#: What an audit event acted on, by table name.
TARGETS = {
    "user_account": _l("Account"),
    "area": _l("Area"),
    "campaign": _l("Campaign"),
    "questionnaire_version": _l("Questionnaire version"),
    "indicator_table": _l("Indicator table"),
    "funds_sheet": _l("Funds sheet"),
}

#: Names of the details an audit event or a history entry keeps.
DETAILS = {
    "username": _l("User name"),
    "role": _l("Role"),
    "area": _l("Area"),
    "area_id": _l("Area"),
    "name": _l("Name"),
    "code": _l("Code"),
    "parent": _l("Above"),
    "file": _l("File"),
    "rows": _l("Rows"),
    "added": _l("Added"),
    "campaign_slug": _l("Campaign"),
    "slug": _l("Campaign"),
    "format": _l("Format"),
    "output": _l("Written to"),
    "table": _l("Indicator table"),
    "template": _l("Template"),
    "scheme": _l("Weight scheme"),
    "weight_scheme": _l("Weight scheme"),
    "changes": _l("Changes"),
    "questionnaire": _l("Questionnaire"),
    "version": _l("Version"),
    "title": _l("Title"),
    "content_hash": _l("Content fingerprint"),
    "retry_after": _l("Wait (seconds)"),
    "target_responses": _l("Target responses"),
    "opens_at": _l("Opens"),
    "closes_at": _l("Closes"),
    "node": _l("Indicator"),
    "field": _l("Field"),
    "old": _l("Before"),
    "new": _l("After"),
    "user": _l("User"),
}

#: Fields of an indicator or of the funds sheet as the history names them.
FIELDS = {
    "actual": _l("Actual value"),
    "target": _l("Target"),
    "manual_score": _l("Score given"),
    "reason": _l("Reason for deduction"),
    "evidence": _l("Evidence"),
    "band": _l("Band"),
    "link": _l("Value taken from"),
    "grades": _l("Grade bands"),
    "funds_row": _l("Funds sheet row"),
    "funds_import": _l("Funds sheet imported"),
    "funds_standard": _l("Subsidy per person (元)"),
    "funds_people_target": _l("Target of people subsidised"),
    "funds_printed_funds": _l("Printed total funds"),
    "funds_printed_people": _l("Printed total people"),
}

#: Detail values that are codes of their own kind.
VALUE_TABLES: dict[str, Mapping[str, Any]] = {
    "role": ROLES,
    "channel": CHANNELS,
    "mode": MODES,
    "field": FIELDS,
}


def label(table: Mapping[str, Any], code: str | None) -> str:
    """The name of ``code`` in ``table`` in the current language; the code itself if unknown."""
    if code is None or code == "":
        return ""
    return str(table.get(code, code))


def detail_value(key: str, value: Any) -> str:
    """A detail's value as people read it: codes named, nothing shown as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if key in VALUE_TABLES and isinstance(value, str):
        return label(VALUE_TABLES[key], value)
    if key in ("old", "new") and isinstance(value, str):
        return link_text(value)
    if isinstance(value, list):
        return "、".join(detail_value(key, item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{label(DETAILS, k)}: {detail_value(k, v)}" for k, v in value.items())
    return str(value)


def link_text(value: str | None) -> str:
    """A history value, with a link (``campaign_score:slug``) named in words."""
    if not value:
        return ""
    kind, _, slug = value.partition(":")
    if kind in LINK_KINDS and slug:
        return f"{LINK_KINDS[kind]} · {slug}"
    return value
