"""Uploading a questionnaire file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField
from wtforms.validators import NumberRange, Optional

from surveyapp.validation import WithinColumn

MAX_FILE_BYTES = 2 * 1024 * 1024


class UploadForm(FlaskForm):
    """A YAML or XLSForm file; after a version conflict, the same file again under a new number."""

    file = FileField(_l("Questionnaire file (XLSForm .xlsx or .yaml)"))
    #: the file sent before, kept in the page so the uploader need not choose it again
    content = HiddenField()
    filename = HiddenField()
    as_version = IntegerField(
        _l("Version number"),
        validators=[
            Optional(),
            WithinColumn(),
            NumberRange(min=1, message=_l("The version must be a whole number from 1.")),
        ],
    )
