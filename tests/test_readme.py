"""The README's quick start: exactly two commands, one line each, both in a virtual environment."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_quick_start_is_two_one_line_commands_in_a_virtual_environment() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 2
    lines = [block.strip().splitlines() for block in blocks]
    assert all(len(block) == 1 for block in lines)
    serve, test = lines[0][0], lines[1][0]
    # Debian and Ubuntu refuse pip installs into the system Python (PEP 668): a venv comes first.
    assert serve.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert test.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert serve.endswith("surveyapp serve") and test.endswith("python -m pytest")


def test_readme_lists_the_import_channels_and_area_forms() -> None:
    text = README.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `surveyapp responses import"))
    for channel in ("`qr`", "`interview`", "`paper`", "`import`"):
        assert channel in row
    assert "code" in row and "name" in row
