"""Managing questionnaires: list, upload (YAML or XLSForm), preview as a phone shows it, publish."""

from __future__ import annotations

import base64
import binascii
from types import SimpleNamespace
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as BaseResponse

from surveyapp.accounts.permissions import ADMIN, EVALUATOR, role_required
from surveyapp.extensions import db
from surveyapp.models import Campaign, Questionnaire, QuestionnaireVersion
from surveyapp.questionnaires.defaults import describe_scoring, left_out_remarks
from surveyapp.questionnaires.forms import MAX_FILE_BYTES, UploadForm
from surveyapp.questionnaires.reading import read_questionnaire_bytes
from surveyapp.questionnaires.services import (
    find_version,
    next_version_number,
    publish_version,
    upload_questionnaire,
)
from surveyapp.questionnaires.spec import QuestionnaireFileError, QuestionnaireSpec
from surveyapp.questionnaires.xlsform_export import xlsform_bytes
from surveyapp.survey.forms import response_form_class

bp = Blueprint("questionnaires", __name__, url_prefix="/questionnaires", template_folder="templates")

Page = str | tuple[str, int]


def _version_or_404(key: str, number: int) -> QuestionnaireVersion:
    version = find_version(key, number)
    if version is None:
        abort(404)
    return version


@bp.get("/")
@role_required(EVALUATOR)
def index() -> str:
    """Every questionnaire and its versions, with how many campaigns use each."""
    questionnaires = db.session.scalars(
        select(Questionnaire)
        .options(selectinload(Questionnaire.versions).selectinload(QuestionnaireVersion.items))
        .order_by(Questionnaire.key)
    ).all()
    uses = dict(
        db.session.execute(
            select(Campaign.questionnaire_version_id, func.count()).group_by(
                Campaign.questionnaire_version_id
            )
        ).all()
    )
    return render_template("questionnaires/index.html", questionnaires=questionnaires, uses=uses)


def _parse(data: bytes, filename: str) -> QuestionnaireSpec:
    return read_questionnaire_bytes(data, filename)


def _sent_file(form: UploadForm) -> tuple[bytes, str] | None:
    """The file of this request, or the one kept in the page from the previous step."""
    upload: Any = form.file.data
    if upload is not None and getattr(upload, "filename", None):
        data = upload.read(MAX_FILE_BYTES + 1)
        return data, upload.filename
    if form.content.data:
        try:
            return base64.b64decode(form.content.data, validate=True), form.filename.data or "upload"
        except (binascii.Error, ValueError):
            return None
    return None


def _conflict(form: UploadForm, spec: QuestionnaireSpec, data: bytes, filename: str) -> Page:
    form.content.data = base64.b64encode(data).decode("ascii")
    form.filename.data = filename
    form.as_version.data = next_version_number(spec.key)
    return render_template("questionnaires/upload.html", form=form, conflict=spec), 409


@bp.route("/upload", methods=["GET", "POST"])
@role_required(ADMIN)
def upload() -> Page | BaseResponse:
    """Upload a questionnaire; a changed file under a used version number is offered the next one."""
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("questionnaires/upload.html", form=form), (422 if form.is_submitted() else 200)
    sent = _sent_file(form)
    if sent is None:
        form.file.errors = [_("Please choose a file.")]
        return render_template("questionnaires/upload.html", form=form), 422
    data, filename = sent
    if len(data) > MAX_FILE_BYTES:
        form.file.errors = [_("The file is larger than 2 MB.")]
        return render_template("questionnaires/upload.html", form=form), 422
    try:
        spec = _parse(data, filename)
    except QuestionnaireFileError as error:
        return render_template("questionnaires/upload.html", form=form, problems=error.problems), 422
    number = form.as_version.data or spec.version
    existing = find_version(spec.key, number)
    if existing is not None and existing.content_hash != _hash_as(spec, number):
        return _conflict(form, spec, data, filename)
    version, created = upload_questionnaire(spec, filename, as_version=number)
    for remark in spec.remarks:
        flash(remark, "info")  # what of the file is left out, said once at upload
    if created:
        flash(
            _("Version %(number)d uploaded. Check the preview, then publish it.", number=version.version),
            "success",
        )
    else:
        flash(_("This version was already uploaded; nothing changed."), "info")
    return redirect(url_for(".detail", key=version.key, number=version.version), code=303)


def _hash_as(spec: QuestionnaireSpec, number: int) -> str:
    from dataclasses import replace

    return replace(spec, version=number).content_hash()


@bp.get("/<key>/v<int:number>")
@role_required(EVALUATOR)
def detail(key: str, number: int) -> str:
    """One version: its scale and weights, its questions, whether it is published."""
    version = _version_or_404(key, number)
    campaigns = db.session.scalars(
        select(Campaign).where(Campaign.questionnaire_version_id == version.id)
    ).all()
    return render_template("questionnaires/detail.html", version=version, campaigns=campaigns)


@bp.get("/<key>/v<int:number>/preview")
@role_required(EVALUATOR)
def preview(key: str, number: int) -> str:
    """The respondent's form for this version, exactly as a phone shows it, with sending disabled."""
    version = _version_or_404(key, number)
    form = response_form_class(version)(submission_id="preview-only", meta={"csrf": False})
    stand_in = SimpleNamespace(questionnaire_version=version, slug="preview")
    action = url_for(".preview", key=key, number=number)

    lists = {name: version.choice_list(name) for name in dict.fromkeys(o.list_name for o in version.options)}
    remarks = describe_scoring(version.scale, version.questions, lists, version.scale_list)
    remarks += left_out_remarks(version.left_out)
    return render_template(
        "questionnaires/preview.html", campaign=stand_in, form=form, form_action=action, remarks=remarks
    )


@bp.get("/<key>/v<int:number>/xlsform")
@role_required(EVALUATOR)
def xlsform(key: str, number: int) -> BaseResponse:
    """The version as an XLSForm workbook; loading it back gives the same questionnaire."""
    from flask import Response

    version = _version_or_404(key, number)
    return Response(
        xlsform_bytes(version),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{key}-v{number}.xlsx"'},
    )


@bp.post("/<key>/v<int:number>/publish")
@role_required(ADMIN)
def publish(key: str, number: int) -> BaseResponse:
    """Make the version available for campaigns."""
    version = _version_or_404(key, number)
    if publish_version(version):
        flash(_("Version %(number)d is published: campaigns can use it now.", number=number), "success")
    return redirect(url_for(".detail", key=key, number=number), code=303)
