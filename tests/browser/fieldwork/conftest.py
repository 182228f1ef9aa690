"""Fixtures for field work in the browser: a county campaign with townships and villages, a field worker."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, Playwright, expect
from sqlalchemy import select

from surveyapp.areas.services import add_area, load_areas
from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Area
from surveyapp.questionnaires.services import find_version, load_bundled
from tests.accounts.conftest import PASSWORD
from tests.accounts.conftest import make_user as make_user  # a fixture
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

# Syncs run in the background on a shared test machine: give them time before a check fails.
expect.set_options(timeout=20_000)


@dataclass(frozen=True)
class Field:
    """The campaign and areas of these tests."""

    slug: str
    township: int
    village: int


@pytest.fixture
def field(app: Flask, make_user: Callable[..., int]) -> Field:
    """寻甸县's campaign; 仁德街道 with the village 北门社区 below it; the field worker xd.field."""
    with app.app_context():
        load_areas()
        load_bundled()
        county = db.session.scalars(select(Area).where(Area.code == "530129")).one()
        township = add_area(county, "仁德街道", "530129001")
        village = add_area(township, "北门社区", "530129001001")
        version = find_version("kunming-2022-pension-satisfaction")
        made = create_campaign(version, "寻甸县访谈", area_id=county.id, target_responses=41)  # type: ignore[arg-type]
        db.session.commit()
        found = Field(made.slug, township.id, village.id)
    make_user("xd.field", "field_staff", "530129")
    return found


def sign_in(page: Page, base: str, username: str = "xd.field", next_path: str = "/entry/") -> None:
    """Sign in through the real page."""
    page.goto(f"{base}/login?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}{next_path}")


@pytest.fixture
def persistent(playwright_instance: Playwright, tmp_path: Path) -> Iterator[Callable[[], BrowserContext]]:
    """Open (and reopen) a browser whose storage lives in one folder, as a phone's browser does."""
    opened: list[BrowserContext] = []
    profile = tmp_path / "profile"

    def launch(**options: Any) -> BrowserContext:
        context = playwright_instance.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            locale="zh-CN",
            viewport={"width": 800, "height": 900},
            accept_downloads=True,
            **options,
        )
        opened.append(context)
        return context

    yield launch
    for context in opened:
        with contextlib.suppress(Exception):  # already closed by the test
            context.close()
