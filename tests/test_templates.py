"""Rules every page template keeps, checked on the template sources themselves."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "surveyapp").rglob("*.html"))
WRAPPER = re.compile(r'<div class="table-wrap"(?P<attrs>[^>]*)>')


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 40


def test_every_scrolling_table_wrapper_is_reachable_by_keyboard_and_named() -> None:
    """A wide table scrolls sideways inside its wrapper: keyboard users must reach and scroll it."""
    faults = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for match in WRAPPER.finditer(text):
            attrs = match["attrs"]
            label = re.search(r'aria-labelledby="([^"]+)"', attrs)
            if 'role="region"' not in attrs or 'tabindex="0"' not in attrs or not label:
                faults.append(f"{path.name}: {match[0]}")
            elif "{{" not in label[1] and f'id="{label[1]}"' not in text:
                faults.append(f"{path.name}: nothing has the id {label[1]}")
    assert faults == []
