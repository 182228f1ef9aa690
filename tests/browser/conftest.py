"""Browser fixtures: the app served on localhost, driven by Debian's headless Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: The phones the form must work on: an iPhone 13 and a small, cheap Android phone.
PHONES: dict[str, dict[str, Any]] = {
    "iphone13": {},  # filled from Playwright's device list
    "android360": {
        "viewport": {"width": 360, "height": 640},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "user_agent": (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0 Mobile Safari/537.36"
        ),
    },
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives the browser; without Chromium they skip, except in CI."""
    missing = not Path(CHROMIUM).exists()
    if missing and os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs Debian's Chromium at {CHROMIUM} for the browser tests")
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason="needs Chromium: apt-get install chromium"))


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served over HTTP on a free localhost port; yields its base address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def phone_profile(playwright: Playwright, name: str) -> dict[str, Any]:
    """Context options for one of ``PHONES``."""
    if name == "iphone13":
        profile = dict(playwright.devices["iPhone 13"])
        profile.pop("default_browser_type", None)
        return profile
    return dict(PHONES[name])


@pytest.fixture(params=sorted(PHONES))
def phone(
    request: pytest.FixtureRequest, browser: Browser, playwright_instance: Playwright
) -> Iterator[Page]:
    """A page in a phone-sized browser context with a Chinese locale, once per phone profile."""
    context = browser.new_context(**phone_profile(playwright_instance, request.param), locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture
def new_context(browser: Browser, playwright_instance: Playwright) -> Iterator[Any]:
    """Make extra browser contexts (closed at the end of the test)."""
    contexts: list[BrowserContext] = []

    def make(profile: str = "android360", **options: Any) -> BrowserContext:
        settings = {**phone_profile(playwright_instance, profile), "locale": "zh-CN", **options}
        context = browser.new_context(**settings)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The axe-core violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return list(results.response["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable list of violations for an assertion message."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in violations
    )
