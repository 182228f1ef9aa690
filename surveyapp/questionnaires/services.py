"""Store questionnaire versions. Services flush; the caller commits."""

from __future__ import annotations

from dataclasses import replace
from importlib.resources import files
from pathlib import Path

from sqlalchemy import func, select

from surveyapp.audit import record
from surveyapp.extensions import db
from surveyapp.models import Question, QuestionGroup, Questionnaire, QuestionnaireVersion, ScaleOption, utcnow
from surveyapp.questionnaires.reading import read_questionnaire_file
from surveyapp.questionnaires.spec import (
    SCALE_LIST,
    OptionSpec,
    QuestionnaireFileError,
    QuestionnaireSpec,
)

#: The questionnaires shipped with the application: the data package ``questionnaires``.
BUNDLED_DIR = Path(str(files("questionnaires")))


def find_version(
    key: str, version: int | None = None, *, published: bool = False
) -> QuestionnaireVersion | None:
    """The given version of a questionnaire, or its latest (latest published if ``published``)."""
    query = (
        select(QuestionnaireVersion)
        .join(Questionnaire)
        .where(Questionnaire.key == key)
        .order_by(QuestionnaireVersion.version.desc())
    )
    if published:
        query = query.where(QuestionnaireVersion.published_at.is_not(None))
    if version is not None:
        query = query.where(QuestionnaireVersion.version == version)
    return db.session.scalars(query.limit(1)).first()


def store_questionnaire(spec: QuestionnaireSpec, source: str) -> tuple[QuestionnaireVersion, bool]:
    """Store a version; return it and whether it is new.

    Storing the same content again changes nothing. Different content under a version number
    that is already stored is refused: a changed questionnaire needs a new version number,
    because answers belong to the exact version that was asked.
    """
    existing = find_version(spec.key, spec.version)
    content_hash = spec.content_hash()
    if existing is not None:
        if existing.content_hash != content_hash:
            raise QuestionnaireFileError(
                source,
                [
                    (
                        "version",
                        f"version {spec.version} of '{spec.key}' is already loaded with different content; "
                        "give the changed questionnaire a new version number",
                    )
                ],
            )
        return existing, False
    questionnaire = db.session.scalars(
        select(Questionnaire).where(Questionnaire.key == spec.key)
    ).first() or Questionnaire(key=spec.key)
    version = QuestionnaireVersion(
        questionnaire=questionnaire,
        version=spec.version,
        form_version=spec.form_version,
        title=spec.title,
        language=spec.language,
        introduction=spec.introduction,
        content_hash=content_hash,
        scale_list=SCALE_LIST,
        translations=spec.translations or None,
        left_out=[list(pair) for pair in spec.left_out] or None,
        options=[
            *_options(SCALE_LIST, spec.scale),
            *(o for name, options in spec.lists.items() for o in _options(name, options)),
        ],
    )
    groups: dict[str, QuestionGroup] = {}
    for position, group in enumerate(spec.groups):
        groups[group.name] = QuestionGroup(
            questionnaire_version=version,
            parent=groups.get(group.parent) if group.parent else None,
            position=position,
            name=group.name,
            label=group.label,
            relevant=group.relevant,
            translations=group.translations or None,
        )
    version.items = [
        Question(
            position=position,
            number=q.number,
            name=q.name or f"q{q.number}",
            type=q.type,
            text=q.text,
            points=q.points,
            required=q.required,
            group=groups.get(q.group) if q.group else None,
            list_name=q.list_name,
            hint=q.hint,
            relevant=q.relevant,
            constraint=q.constraint,
            constraint_message=q.constraint_message,
            required_message=q.required_message,
            appearance=q.appearance,
            parameters=q.parameters or None,
            or_other=q.or_other,
            translations=q.translations or None,
        )
        for position, q in enumerate(spec.questions, start=1)
    ]
    db.session.add(version)
    db.session.flush()
    return version, True


def _options(list_name: str, options: tuple[OptionSpec, ...]) -> list[ScaleOption]:
    return [
        ScaleOption(
            list_name=list_name,
            position=i,
            code=o.code,
            label=o.label,
            weight=o.weight,
            counted=o.counted,
            satisfied=o.satisfied,
            translations=o.translations or None,
        )
        for i, o in enumerate(options)
    ]


def load_questionnaire_file(path: Path, as_version: int | None = None) -> tuple[QuestionnaireVersion, bool]:
    """Read, check and store one file, as version ``as_version`` if given (flushes, does not commit)."""
    spec = read_questionnaire_file(path)
    if as_version is not None:
        spec = replace(spec, version=as_version)
    return store_questionnaire(spec, str(path))


def bundled_files() -> list[Path]:
    """The questionnaire files shipped with the application."""
    return sorted([*BUNDLED_DIR.glob("*.yaml"), *BUNDLED_DIR.glob("*.xlsx")])


def load_bundled() -> list[tuple[QuestionnaireVersion, bool]]:
    """Store and publish every bundled questionnaire; already stored ones are left as they are."""
    loaded = [load_questionnaire_file(path) for path in bundled_files()]
    for version, created in loaded:
        if created:
            version.published_at = utcnow()
    db.session.flush()
    return loaded


def next_version_number(key: str) -> int:
    """The number a new version of questionnaire ``key`` would get."""
    highest = db.session.scalar(
        select(func.max(QuestionnaireVersion.version)).join(Questionnaire).where(Questionnaire.key == key)
    )
    return (highest or 0) + 1


def upload_questionnaire(
    spec: QuestionnaireSpec, source: str, as_version: int | None = None
) -> tuple[QuestionnaireVersion, bool]:
    """Store an uploaded questionnaire (as version ``as_version`` if given) and log it.

    Stored versions are never edited: a changed file under a version number already taken is
    refused, and the uploader is offered :func:`next_version_number` instead.
    """
    if as_version is not None:
        spec = replace(spec, version=as_version)
    version, created = store_questionnaire(spec, source)
    if created:
        record(
            "questionnaire.upload",
            version,
            questionnaire=spec.key,
            version=spec.version,
            title=spec.title,
            file=source,
            content_hash=version.content_hash,
        )
    return version, created


def publish_version(version: QuestionnaireVersion) -> bool:
    """Make a version available for campaigns; return False if it already was."""
    if version.published_at is not None:
        return False
    version.published_at = utcnow()
    db.session.flush()
    record("questionnaire.publish", version, questionnaire=version.key, version=version.version)
    return True
