"""Sync 500 queued paper sheets from the browser's IndexedDB, against posting the same 500 online.

Not part of the test suite. Run from the project root (needs Debian's Chromium)::

    PYTHONPATH=$PWD python benchmarks/bench_offline_sync.py --responses 500
    PYTHONPATH=$PWD python benchmarks/bench_offline_sync.py --database-url postgresql+psycopg://127.0.0.1:5432/test

The app runs on a fresh database made by the migrations, served on a free localhost port, and a
headless Chromium signs in as a field worker. The baseline posts N sheets online one after
another from the page, with no queue (what an entry made with the network up costs). Then the
page goes offline, N other sheets are queued in IndexedDB exactly as the batch screen queues
them, the network comes back, and the time until the server has confirmed every one and the
device has removed it is measured. The last line is one JSON object with both figures and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scoring import scratch_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
PASSWORD = "benchmark password 1"

# One sheet's fields, as the batch screen's FormData gives them; `prefix` keeps the runs apart.
SHEETS_JS = """
(args) => {
  const [prefix, count, userId, area] = args;
  const sheets = [];
  for (let i = 0; i < count; i += 1) {
    const random = Array.from(crypto.getRandomValues(new Uint8Array(12)), b => b.toString(16)).join("");
    const fields = [["submission_id", "u" + userId + "-" + prefix + random], ["batch_size", String(count)],
      ["respondent_area", area], ["sheet_serial", prefix + i], ["batch", prefix + "batch"]];
    for (let q = 1; q <= 10; q += 1) fields.push(["q" + q, "ABCDE"[(i + q) % 5]]);
    sheets.push(fields);
  }
  return sheets;
}
"""

POST_ONLINE_JS = """
async (args) => {
  const [sheets, tokenUrl, syncUrl] = args;
  const token = (await (await fetch(tokenUrl, {headers: {Accept: "application/json"}})).json()).csrf_token;
  const start = performance.now();
  for (const fields of sheets) {
    const headers = {"X-CSRFToken": token, Accept: "application/json"};
    const body = new URLSearchParams(fields);
    const response = await fetch(syncUrl, {method: "POST", headers: headers, body: body});
    if (response.status !== 201) throw new Error("not stored: " + response.status);
  }
  return performance.now() - start;
}
"""

QUEUE_JS = """
async (args) => {
  const [sheets, syncUrl, slug] = args;
  for (const fields of sheets) {
    await window.SurveyappQueue.enqueue({submission_id: fields[0][1], kind: "paper", campaign: slug,
      label: slug, url: syncUrl, fields: fields, saved_at: null});
  }
  return (await window.SurveyappQueue.all()).length;
}
"""

DRAIN_JS = """
async () => {
  const start = performance.now();
  await window.SurveyappQueue.syncAll();
  while ((await window.SurveyappQueue.all()).length) {
    await new Promise(resolve => setTimeout(resolve, 20));
    await window.SurveyappQueue.syncAll();
  }
  return performance.now() - start;
}
"""


def _app(url: str) -> Any:
    from surveyapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})


def _prepare(app: Any) -> tuple[str, int, int]:
    """Schema from the migrations, the bundled questionnaire, a county campaign, a field worker."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from surveyapp.accounts.services import create_user
    from surveyapp.areas.services import add_area, load_areas
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.extensions import db
    from surveyapp.models import Area
    from surveyapp.questionnaires.services import find_version, load_bundled

    with app.app_context():
        upgrade()
        load_areas()
        load_bundled()
        county = db.session.scalars(select(Area).where(Area.code == "530129")).one()
        township = add_area(county, "仁德街道", "530129001")
        version = find_version("kunming-2022-pension-satisfaction")
        campaign = create_campaign(version, "benchmark", area_id=county.id)  # type: ignore[arg-type]
        user = create_user("bench.field", PASSWORD, "field_staff", area=county)
        db.session.commit()
        return campaign.slug, user.id, township.id


def _serve(app: Any) -> tuple[Any, str]:
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _stored(app: Any) -> tuple[int, int]:
    from sqlalchemy import func, select

    from surveyapp.extensions import db
    from surveyapp.models import Response

    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Response)) or 0
        distinct = db.session.scalar(select(func.count(func.distinct(Response.submission_id)))) or 0
        return int(total), int(distinct)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Measure on a database of this run's own: a SQLite file, or a schema on the given server."""
    folder = Path(tempfile.mkdtemp(prefix="surveyapp-bench-"))
    os.environ["SURVEYAPP_INSTANCE_PATH"] = str(folder / "instance")
    url, drop = scratch_url(args.database_url, folder, "bench_offline_sync")
    try:
        return _measure(url, args)
    finally:
        drop()


def _measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    app = _app(url)
    slug, user_id, township = _prepare(app)
    server, base = _serve(app)
    n = args.responses
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(locale="zh-CN")
            page = context.new_page()
            page.goto(f"{base}/login?next=/entry/{slug}/paper")
            page.get_by_label("用户名").fill("bench.field")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_selector("#entry-config[data-ready=true]", state="attached")
            sync_url = f"/entry/{slug}/sync?kind=paper"
            online = page.evaluate(SHEETS_JS, ["B", n, user_id, str(township)])
            online_ms = page.evaluate(POST_ONLINE_JS, [online, "/entry/sync/token", sync_url])
            print(f"posting {n} sheets online, one after another   {online_ms / 1000:9.3f} s")
            queued = page.evaluate(SHEETS_JS, ["Q", n, user_id, str(township)])
            context.set_offline(True)
            start = time.perf_counter()
            assert page.evaluate(QUEUE_JS, [queued, sync_url, slug]) == n
            print(f"queueing {n} sheets in IndexedDB offline        {time.perf_counter() - start:9.3f} s")
            context.set_offline(False)
            sync_ms = page.evaluate(DRAIN_JS)
            print(f"syncing {n} queued sheets when back online      {sync_ms / 1000:9.3f} s")
            browser.close()
    finally:
        server.shutdown()
    total, distinct = _stored(app)
    from surveyapp.extensions import db

    with app.app_context():
        db.engine.dispose()  # before the scratch schema is dropped
    print(f"responses stored: {total} ({distinct} distinct submission ids)")
    if total != 2 * n or distinct != total:
        sys.exit(f"expected {2 * n} responses stored once each, found {total} ({distinct} distinct)")
    return {
        "benchmark": "offline_sync",
        "responses": n,
        "database": "postgresql" if args.database_url else "sqlite",
        "queued_sync_seconds": round(sync_ms / 1000, 3),
        "baseline_online_posts_seconds": round(online_ms / 1000, 3),
        "ratio": round(sync_ms / online_ms, 3),
        "per_response_ms": round(sync_ms / n, 2),
    }


def main() -> None:
    """Parse the arguments, run, and print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=500)
    parser.add_argument("--database-url", default="")
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
