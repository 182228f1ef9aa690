"""Questionnaire versions as forms read them: loaded once per application, then kept detached.

A stored version never changes (a changed file is stored as a new version), so what a form needs
of it (its items, groups and choice lists) and the form classes built from it can be kept for the
life of the process. Each request then builds no form class and loads no question or option: the
form and the answers are read against this copy, whose ids are the stored ones.

The copies live in the application's ``extensions``, so two applications of one process (tests,
one per database) never share them.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from surveyapp.extensions import db
from surveyapp.models import Question, QuestionGroup, QuestionnaireVersion

_EXTENSION = "surveyapp_versions"
_lock = Lock()
T = TypeVar("T")


def _kept() -> dict[Any, Any]:
    return current_app.extensions.setdefault(_EXTENSION, {})


def _read_copy(version_id: int) -> QuestionnaireVersion:
    """The version read with everything forms touch, on the request's connection, then detached.

    Reading on the request's own connection sees a version stored earlier in the same
    transaction; a session of its own keeps the request's objects out of it.
    """
    with Session(bind=db.session.connection(), expire_on_commit=False) as private:
        copy = private.scalars(
            select(QuestionnaireVersion)
            .where(QuestionnaireVersion.id == version_id)
            .options(
                joinedload(QuestionnaireVersion.questionnaire),
                selectinload(QuestionnaireVersion.items).joinedload(Question.group),
                selectinload(QuestionnaireVersion.options),
                selectinload(QuestionnaireVersion.groups).joinedload(QuestionGroup.parent),
            )
        ).one()
        for child in (*copy.items, *copy.options, *copy.groups):
            set_committed_value(child, "questionnaire_version", copy)
        private.expunge_all()
    return copy


def loaded_version(version: QuestionnaireVersion) -> QuestionnaireVersion:
    """A detached, fully loaded copy of ``version``, read once per application.

    A version that is already detached (the copy kept to show a form while the database is
    away) is used as it is.
    """
    key = ("version", version.id)
    kept = _kept().get(key)
    if kept is not None:
        return kept
    copy = version if inspect(version).detached else _read_copy(version.id)
    with _lock:
        return _kept().setdefault(key, copy)


def version_by_id(version_id: int) -> QuestionnaireVersion:
    """The kept copy of the version with this id (read on first use)."""
    kept_copy = _kept().get(("version", version_id))
    if kept_copy is not None:
        return kept_copy
    copy = _read_copy(version_id)
    with _lock:
        return _kept().setdefault(("version", version_id), copy)


def kept(key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """What ``build`` gives, built once per application for ``key`` (a version id and a language)."""
    store = _kept()
    found = store.get(key)
    if found is None:
        made = build()
        with _lock:
            found = store.setdefault(key, made)
    return found
