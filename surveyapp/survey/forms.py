"""The response form, built at run time from the stored questionnaire version.

Each question's field comes from the question type registry. Checking is done here, in the
questionnaire's order, because whether a question is asked (its ``relevant``) depends on the
answers before it: a question that is not relevant is neither required nor kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Regexp

from surveyapp.models import Question, QuestionnaireVersion
from surveyapp.questionnaires.expressions import holds
from surveyapp.questionnaires.question_types import QUESTION_TYPES, AnswerError
from surveyapp.questionnaires.relevance import asked_names, compiled
from surveyapp.questionnaires.texts import current_language, text_of
from surveyapp.questionnaires.walk import walk_items
from surveyapp.survey.versions import kept, loaded_version

SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}\Z")
#: The public form's id is signed by the server: nonce, issue time and signature, dot-separated.
SIGNED_SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,32}\.[A-Za-z0-9_-]{4,12}\.[A-Za-z0-9_-]{16,64}\Z")
INCOMPLETE = _l("This form is incomplete. Please reload the page.")
OTHER = "other"


@lru_cache(maxsize=8)
def _wtforms_messages(locale: str) -> Any:
    """WTForms' own messages in ``locale``, read once per process (Flask-WTF reads them per request)."""
    from babel import support
    from wtforms.i18n import messages_path

    return support.Translations.load(messages_path(), [locale], domain="wtforms")


@dataclass(frozen=True, slots=True)
class CheckedAnswers:
    """What a response form's answers came to: see :meth:`ResponseFormBase.check`."""

    #: each readable answer's value, by question name
    values: dict[str, Any]
    #: the names of the questions asked, given those answers
    asked: Set[str]
    #: what is wrong, by field name, in the page's language; empty when the answers can be stored
    problems: dict[str, str]
    #: the answer per question number, for the asked and answered questions only
    answers: dict[int, Any]
    #: the text given with an "other" option, per question number
    other_texts: dict[int, str]


class ResponseFormBase(FlaskForm):
    """Fields every response form has; question fields are added per version."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            """The same messages Flask-WTF gives, without reading the catalogue on every request."""
            if not current_app.config.get("WTF_I18N_ENABLED", True) or not has_request_context():
                return super().get_translations(form)
            return _wtforms_messages(str(get_locale()))

    submission_id = HiddenField(
        validators=[
            InputRequired(message=INCOMPLETE),
            Regexp(SUBMISSION_ID, message=INCOMPLETE),
        ]
    )
    _question_names: tuple[str, ...] = ()
    #: what the last :meth:`validate` found of the questions
    _checked: CheckedAnswers | None = None
    _version: QuestionnaireVersion
    _language: str | None = None
    #: worked out once per class (a version never changes): field name -> question, choice codes
    _by_field: dict[str, Question] = {}  # noqa: RUF012 (set per class, read only)
    _choice_codes: dict[int, list[str]] = {}  # noqa: RUF012
    #: the fields that send a list of values (select_multiple)
    _multiple_fields: frozenset[str] = frozenset()

    def question_fields(self) -> list:
        """The question fields, in questionnaire order."""
        return [self[name] for name in self._question_names]

    def questions(self) -> dict[str, Question]:
        """Field name -> question."""
        return self._by_field

    @classmethod
    def sent_data(cls, formdata: Any) -> dict[str, Any]:
        """Each question's data (and each "other" text) as the form's fields read it from
        ``formdata``: a select_multiple's list of values, otherwise the first value or None."""
        data: dict[str, Any] = {}
        for name in cls._question_names:
            data[name] = formdata.getlist(name) if name in cls._multiple_fields else formdata.get(name)
            if cls._by_field[name].or_other:
                data[name + "_other"] = formdata.get(name + "_other")
        return data

    @classmethod
    def check(cls, data: Mapping[str, Any]) -> CheckedAnswers:
        """Every asked question's answer in ``data`` read and checked: required, readable, its
        constraint, the text of an "other". What :meth:`validate` checks of the questions."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        codes = cls._choice_codes
        for name, question in cls._by_field.items():
            raw = data.get(name)
            if raw in (None, "", []):
                continue
            kind = QUESTION_TYPES[question.type]
            try:
                values[question.name] = kind.read(question, raw, codes[question.id])  # type: ignore[misc]
            except AnswerError as error:
                errors[name] = str(error)
        asked = asked_names(cls._version, values)
        problems: dict[str, str] = {}
        for name, question in cls._by_field.items():
            if question.name in asked:
                message = cls._problem(question, data.get(name + "_other"), values, errors.get(name))
                if message:
                    problems[name] = message
        return CheckedAnswers(values, asked, problems, cls._answers_of(values, asked), cls._others_of(data))

    def validate(self, extra_validators: dict | None = None) -> bool:
        """The form's own fields, then every asked question: required, readable, its constraint."""
        valid = super().validate(extra_validators)
        checked = self.check(self._fields_data())
        self._checked = checked
        for name in self._question_names:
            field = self[name]
            field.errors = list(field.errors)
            if name in checked.problems:
                field.errors.append(checked.problems[name])
                valid = False
        return valid

    @classmethod
    def _problem(
        cls, question: Question, other: str | None, values: dict[str, Any], error: str | None
    ) -> str | None:
        language, default = cls._language, cls._version.language
        if error:
            return error
        if question.name not in values:
            if question.required:
                written = text_of(question, "required_message", language, default)
                if written:
                    return written
                if QUESTION_TYPES[question.type].has_choices:
                    return _("Please choose an answer to this question.")
                return _("Please answer this question.")
            return None
        if question.constraint and not holds(compiled(question.constraint), values, values[question.name]):
            return text_of(question, "constraint_message", language, default) or _(
                "This answer is not accepted. Please check it."
            )
        if question.or_other and _chose_other(values[question.name]) and not (other or "").strip():
            return _("Please say what “other” is.")
        return None

    @classmethod
    def _answers_of(cls, values: dict[str, Any], asked: Set[str]) -> dict[int, Any]:
        return {
            number: values[q.name]
            for number, q in cls._version.by_number().items()
            if q.name in asked and q.name in values
        }

    @classmethod
    def _others_of(cls, data: Mapping[str, Any]) -> dict[int, str]:
        texts: dict[int, str] = {}
        for number, question in cls._version.by_number().items():
            text = (data.get(field_name(number) + "_other") or "").strip() if question.or_other else ""
            if text:
                texts[number] = text
        return texts

    def checked(self) -> CheckedAnswers:
        """What the last :meth:`validate` found of the questions (checked now if it was not run)."""
        return self._checked or self.check(self._fields_data())

    def _fields_data(self) -> dict[str, Any]:
        """Every field's data by name, as :meth:`check` reads it."""
        return {name: field.data for name, field in self._fields.items()}

    def answers(self) -> dict[int, Any]:
        """The answer per question number, for the asked and answered questions only."""
        return self.checked().answers

    def layout(self) -> list[tuple[str, Any, Any]]:
        """The page in order: ``("open", group, heading)``, ``("close", group, None)``,
        ``("note", item, text)`` and ``("question", question, field)``."""
        version, language = self._version, self._language
        entries: list[tuple[str, Any, Any]] = []
        for step, node in walk_items(version):
            if step == "close":
                entries.append(("close", node, None))
            elif step == "open":
                entries.append(("open", node, text_of(node, "label", language, version.language)))
            elif node.number is None:
                entries.append(("note", node, text_of(node, "text", language, version.language)))
            else:
                entries.append(("question", node, self[field_name(node.number)]))
        return entries

    def has_skip_logic(self) -> bool:
        """Whether any question or group of the page depends on earlier answers."""
        return any(q.relevant for q in self._version.items) or any(g.relevant for g in self._version.groups)

    def all_required(self) -> bool:
        """Whether every question must be answered (then none is marked "required")."""
        return all(q.required for q in self._version.questions)

    def hint(self, question: Question) -> str | None:
        """The question's hint in the page's language."""
        return text_of(question, "hint", self._language, self._version.language)

    def kind(self, question: Question) -> Any:
        """The question's type in the registry."""
        return QUESTION_TYPES[question.type]

    def is_asked(self, question: Question) -> bool:
        """Whether a question is asked given the answers sent (all are, before sending)."""
        return self._checked is None or question.name in self._checked.asked


def _chose_other(value: Any) -> bool:
    return value == OTHER or (isinstance(value, list) and OTHER in value)


def _codes(version: QuestionnaireVersion) -> dict[int, list[str]]:
    return {q.id: [o.code for o in choices_of(version, q)] for q in version.questions}


def choices_of(version: QuestionnaireVersion, question: Question) -> list[Any]:
    """The options a question offers (its list, or the shared scale), "other" last if it has one."""
    if not QUESTION_TYPES[question.type].has_choices:
        return []
    options = list(version.choice_list(question.list_name or version.scale_list))
    if question.or_other and not any(o.code == OTHER for o in options):
        from types import SimpleNamespace

        options.append(SimpleNamespace(code=OTHER, label=_("Other"), translations=None, weight=None))  # type: ignore[arg-type]
    return options


def field_name(number: int | None) -> str:
    """The form field name of question ``number``."""
    return f"q{number}"


class _Localised:
    """A question seen in one language, for the field builders."""

    def __init__(self, question: Question, language: str | None, default: str) -> None:
        self._question = question
        self.text = text_of(question, "text", language, default) or ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._question, name)


class _LocalisedOption:
    def __init__(self, option: Any, language: str | None, default: str) -> None:
        self.code = option.code
        self.label = text_of(option, "label", language, default) or option.code


def response_form_class(version: QuestionnaireVersion, language: str | None = None) -> type[ResponseFormBase]:
    """A form class with one field per question of the version, in ``language`` (default: the page's).

    Built once per version and language, on a detached copy of the version (see ``versions``).
    """
    language = language if language is not None else current_language()
    if version.id is None:
        return _form_class(version, language)
    return kept(("form", version.id, language), lambda: _form_class(loaded_version(version), language))


def _form_class(version: QuestionnaireVersion, language: str | None) -> type[ResponseFormBase]:
    questions = version.questions
    attrs: dict[str, object] = {
        "_question_names": tuple(field_name(q.number) for q in questions),
        "_version": version,
        "_language": language,
        "_by_field": {field_name(q.number): q for q in questions},
        "_choice_codes": _codes(version),
    }
    multiple = set()
    for question in questions:
        kind = QUESTION_TYPES[question.type]
        options = [_LocalisedOption(o, language, version.language) for o in choices_of(version, question)]
        field = kind.make_field(_Localised(question, language, version.language), options)  # type: ignore[misc]
        attrs[field_name(question.number)] = field
        if issubclass(field.field_class, SelectMultipleField):
            multiple.add(field_name(question.number))  # its data is the list of values sent
        if question.or_other:
            attrs[field_name(question.number) + "_other"] = StringField(_l("Other: please say what"))
    attrs["_multiple_fields"] = frozenset(multiple)
    return type("ResponseForm", (ResponseFormBase,), attrs)


def public_form_class(version: QuestionnaireVersion) -> type[ResponseFormBase]:
    """The respondent's form: the questions, and a submission id in the server's signed format."""
    language = current_language()

    def build() -> type[ResponseFormBase]:
        checks = [InputRequired(message=INCOMPLETE), Regexp(SIGNED_SUBMISSION_ID, message=INCOMPLETE)]
        field = HiddenField(validators=checks)
        base = response_form_class(version, language)
        return type("PublicResponseForm", (base,), {"submission_id": field})

    if version.id is None:
        return build()
    return kept(("public", version.id, language), build)
