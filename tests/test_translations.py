"""The Chinese catalog is complete and compiled."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[1] / "surveyapp" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation() -> None:
    with (CATALOG / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    assert untranslated == []
    assert not [m.id for m in catalog if m.id and m.fuzzy]


def _entry(message: Message) -> tuple[object, object]:
    """A message as a comparable pair (plural forms read back as lists, which cannot be keys)."""
    ident, text = message.id, message.string
    return (ident if isinstance(ident, str) else tuple(ident), text if isinstance(text, str) else tuple(text))


def test_compiled_catalog_matches_the_source() -> None:
    with (CATALOG / "messages.po").open("rb") as handle:
        source = dict(_entry(m) for m in read_po(handle) if m.id)
    with (CATALOG / "messages.mo").open("rb") as handle:
        compiled = dict(_entry(m) for m in read_mo(handle) if m.id)
    assert compiled == source, "run: pybabel compile -d surveyapp/translations"
