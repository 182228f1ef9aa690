"""The respondent form on a slow phone: when it can be answered, and what it weighs, in every mode.

Not part of the test suite. Run from the project root (needs Debian's Chromium)::

    PYTHONPATH=$PWD python benchmarks/bench_phone.py
    PYTHONPATH=$PWD python benchmarks/bench_phone.py --runs 5

The app runs on a fresh SQLite database with the bundled questionnaire, served on a free
localhost port (HTTP/1.1, keep-alive, gzip as the app does it). Headless Chromium is throttled
through the DevTools protocol as Lighthouse's mobile profile: 150 ms round trip, 1.6 Mbit/s down,
750 kbit/s up (``Network.emulateNetworkConditions``) and a CPU four times slower
(``Emulation.setCPUThrottlingRate``). Every run opens a new browser context, so the cache is cold
and the connection new.

The form is *answerable* when its HTML has arrived and been painted: the whole form is in the
HTML, its style sheet is inlined, and it works without its deferred scripts, so a choice can be
made from then on. The figure is ``max(first contentful paint, responseEnd)`` of the navigation,
with ``load`` (the deferred scripts run) printed beside it. The bytes are every response's
encoded length (compressed body and headers) as the protocol reports it.

The baseline, measured in the same run and throttled the same way, is a bare static page (a few
bytes of HTML) from the same server: the two round trips (connect, then request) every page
costs at least. The last line is one JSON object with the figures, the baseline and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
#: Lighthouse's mobile throttling.
RTT_MS = 150
DOWN_BYTES_PER_S = 1_600_000 / 8
UP_BYTES_PER_S = 750_000 / 8
CPU_SLOWDOWN = 4
#: The targets of issue 13.
ANSWERABLE_TARGET_MS = 500
BYTES_TARGET = 10 * 1024
MODES = ["", "large", "contrast", "faces", "steps", "large.contrast.faces.steps"]
BARE_PATH = "/__bare.html"
BARE_PAGE = b"<!doctype html><html lang=zh-CN><meta charset=utf-8><title>x</title><p>x</p></html>"

TIMING_JS = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {requestStart: nav.requestStart, responseStart: nav.responseStart, responseEnd: nav.responseEnd,
          fcp: paint ? paint.startTime : null, load: nav.loadEventEnd};
}
"""


def _app(url: str) -> Any:
    from surveyapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})


def _prepare(app: Any) -> str:
    """Schema from the migrations, the bundled questionnaire, one open campaign."""
    from flask_migrate import upgrade

    from surveyapp.campaigns.services import create_campaign
    from surveyapp.extensions import db
    from surveyapp.questionnaires.services import find_version, load_bundled

    with app.app_context():
        upgrade()
        load_bundled()
        version = find_version("kunming-2022-pension-satisfaction")
        campaign = create_campaign(version, "benchmark", target_responses=41)  # type: ignore[arg-type]
        db.session.commit()
        return campaign.slug


def _with_bare_page(app: Any) -> Any:
    """The app, with one bare static page beside it for the baseline."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == BARE_PATH:
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BARE_PAGE)))]
            start_response("200 OK", headers)
            return [BARE_PAGE]
        return app(environ, start_response)

    return wsgi


def _serve(app: Any) -> tuple[Any, str]:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class KeepAlive(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"

    server = make_server("127.0.0.1", 0, _with_bare_page(app), threaded=True, request_handler=KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _load(browser: Any, url: str, mode: str) -> dict[str, float]:
    """One cold, throttled load: its timings (ms) and the bytes it took."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
    )
    if mode:
        context.add_cookies([{"name": "display", "value": mode, "url": url}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": RTT_MS,
            "downloadThroughput": DOWN_BYTES_PER_S,
            "uploadThroughput": UP_BYTES_PER_S,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    sizes: list[float] = []
    cdp.on("Network.loadingFinished", lambda event: sizes.append(event["encodedDataLength"]))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(50)  # the last loadingFinished event
    timing = page.evaluate(TIMING_JS)
    context.close()
    answerable = max(timing["responseEnd"], timing["fcp"] or timing["load"])
    return {
        "answerable": answerable,
        "load": timing["load"],
        "first_byte": timing["responseStart"],
        "server": timing["responseStart"] - timing["requestStart"],
        "bytes": sum(sizes),
        "requests": len(sizes),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    import logging

    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    folder = Path(tempfile.mkdtemp(prefix="surveyapp-bench-"))
    os.environ["SURVEYAPP_INSTANCE_PATH"] = str(folder / "instance")
    app = _app(f"sqlite:///{folder / 'bench.sqlite3'}")
    slug = _prepare(app)
    server, base = _serve(app)
    figures: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            _load(browser, f"{base}/s/{slug}", "")  # warm the server (templates, form class)
            bare = [_load(browser, base + BARE_PATH, "")["answerable"] for _ in range(args.runs)]
            baseline = statistics.median(bare)
            print(f"bare static page (baseline)          {baseline:7.0f} ms")
            for mode in MODES:
                runs = [_load(browser, f"{base}/s/{slug}", mode) for _ in range(args.runs)]
                figures[mode or "standard"] = {
                    "answerable_ms": round(statistics.median(r["answerable"] for r in runs)),
                    "load_ms": round(statistics.median(r["load"] for r in runs)),
                    "first_byte_ms": round(statistics.median(r["first_byte"] for r in runs)),
                    "bytes": int(max(r["bytes"] for r in runs)),
                    "requests": int(max(r["requests"] for r in runs)),
                }
                shown = figures[mode or "standard"]
                print(
                    f"form, {mode or 'standard':28s} answerable {shown['answerable_ms']:5d} ms, "
                    f"first byte {shown['first_byte_ms']:5d} ms, load {shown['load_ms']:5d} ms, "
                    f"{shown['bytes']:6d} bytes in {shown['requests']} requests"
                )
            browser.close()
    finally:
        server.shutdown()
    worst = max(f["answerable_ms"] for f in figures.values())
    heaviest = max(f["bytes"] for f in figures.values())
    print(f"worst answerable {worst} ms (target {ANSWERABLE_TARGET_MS})")
    print(f"heaviest {heaviest} bytes (target {BYTES_TARGET})")
    return {
        "benchmark": "phone",
        "throttling": {"rtt_ms": RTT_MS, "down_kbit_s": 1600, "up_kbit_s": 750, "cpu_slowdown": CPU_SLOWDOWN},
        "runs": args.runs,
        "modes": figures,
        "answerable_ms": worst,
        "bytes": heaviest,
        "baseline_bare_page_ms": round(baseline),
        "ratio": round(worst / baseline, 3),
        "answerable_within_target": worst <= ANSWERABLE_TARGET_MS,
        "bytes_within_target": heaviest <= BYTES_TARGET,
    }


def main() -> None:
    """Parse the arguments, run, and print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="cold loads per mode (the median is kept)")
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
