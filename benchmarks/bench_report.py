"""The evaluator's page of a million-response campaign, against a plain GROUP BY, in the same run.

Not part of the test suite. Run from the project root::

    PYTHONPATH=$PWD python benchmarks/bench_report.py --responses 1000000
    PYTHONPATH=$PWD python benchmarks/bench_report.py --responses 1000000 \\
        --database-url postgresql+psycopg://127.0.0.1:5432/test

The campaign is filled as ``bench_scoring.py`` fills it (the schema from the migrations, bulk
inserts of ten answers per response; on PostgreSQL in a schema of its own, dropped afterwards).
Then, on the same data:

* the baseline: ``SELECT question_id, option_id, count(*) ... GROUP BY`` (best of three);
* the report (table, intervals, every breakdown) computed with nothing kept: what every view
  cost before the aggregates were kept, and what the first view after a change costs;
* the evaluator's whole page, GET through the application as a signed-in evaluator (report,
  quality checks, open answers, rendering), first with nothing kept (a campaign stored before
  its aggregates were kept up, or after a correction);
* the upkeep that ``responses import`` runs once its rows are committed (``bring_up_to_date``,
  see ``surveyapp/scoring/upkeep.py``), here over the rows the fill stored, and then the page's
  first view in a worker that has nothing in memory: what an evaluator opening the campaign
  after the import waits for;
* the page viewed again with nothing changed (best of three);
* the page in another worker or after a restart (nothing in the process's memory; the copy kept
  in the database), before and after one more response;
* the page after one more response arrived, and again after that;
* the page after an evaluator excluded a response, and after it was restored;
* a correction of one answer (carried over to what is kept, as ``correct_entry`` does), and the
  page after it.

The last line is one JSON object; ``ratio`` is the repeated page view over the plain GROUP BY,
``ratio_first_view`` the first view (after the import's upkeep) over it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scoring import _prepare, fill, plain_group_by, scratch_url

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _best(label: str, action: Callable[[], Any], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<56} {best:9.3f} s")
    return best


def _signed_in(app: Any) -> Any:
    from surveyapp.accounts.services import create_user
    from surveyapp.extensions import db

    with app.app_context():
        create_user("bench-evaluator", "correct horse battery staple", "evaluator")
        db.session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    match = CSRF.search(page)
    assert match, "no CSRF token on the sign-in page"
    signed = client.post(
        "/login",
        data={
            "csrf_token": match.group(1) or match.group(2),
            "username": "bench-evaluator",
            "password": "correct horse battery staple",
        },
    )
    assert signed.status_code == 303, signed.status_code
    return client


def _view(client: Any, slug: str) -> None:
    answer = client.get(f"/evaluation/campaigns/{slug}")
    assert answer.status_code == 200, answer.status_code


def _one_more(app: Any, campaign_id: int, number: int) -> None:
    from surveyapp.extensions import db
    from surveyapp.models import Campaign
    from surveyapp.survey.services import Submission, submit_response

    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        submit_response(campaign, Submission(f"bench-more-{number}", {n: "A" for n in range(1, 11)}))
        db.session.commit()


def _upkeep(app: Any, campaign_id: int) -> None:
    from surveyapp.extensions import db
    from surveyapp.models import Campaign
    from surveyapp.scoring.upkeep import bring_up_to_date

    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        bring_up_to_date(campaign)
        db.session.commit()


def _correct_first(app: Any, campaign_id: int) -> None:
    """Change one answer of the first response, carried over as ``correct_entry`` carries a
    correction (the same ``carried_over`` around the change), and commit."""
    from sqlalchemy import select

    from surveyapp.extensions import db
    from surveyapp.models import Answer, Campaign, Response
    from surveyapp.scoring.kept import carried_over
    from surveyapp.scoring.upkeep import bring_up_to_date

    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        first = db.session.scalar(
            select(Response.id).where(Response.campaign_id == campaign_id).order_by(Response.id).limit(1)
        )
        answer = db.session.scalars(select(Answer).where(Answer.response_id == first).limit(1)).one()
        options = [o.id for o in campaign.questionnaire_version.scale]
        with carried_over(campaign, [first], bring_up_to_date):
            answer.option_id = next(o for o in options if o != answer.option_id)
            db.session.flush()
        db.session.commit()


def _exclude_first(app: Any, campaign_id: int, restore: bool = False) -> None:
    from sqlalchemy import select

    from surveyapp.extensions import db
    from surveyapp.models import Campaign, Response, User
    from surveyapp.quality.services import exclude_response, restore_response

    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        first = db.session.scalar(
            select(Response.id).where(Response.campaign_id == campaign_id).order_by(Response.id).limit(1)
        )
        assert first is not None
        if restore:
            restore_response(campaign, first)
        else:
            evaluator = db.session.scalars(select(User).where(User.username == "bench-evaluator")).one()
            exclude_response(campaign, first, "benchmark", evaluator)
        db.session.commit()


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Fill, then time the baseline, the report with nothing kept, and the page."""
    from surveyapp import create_app
    from surveyapp.extensions import db
    from surveyapp.scoring import kept
    from surveyapp.scoring.report import campaign_report

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url, drop = scratch_url(args.database_url, workdir, "bench_report")
        try:
            os.environ["SURVEYAPP_INSTANCE_PATH"] = str(workdir / "instance")
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
            with app.app_context():
                big, _small, areas = _prepare(db)
                dialect = db.engine.dialect.name
                print(f"database: {dialect}; filling {args.responses:,} responses of ten answers")
                start = time.perf_counter()
                fill(db, big, args.responses, areas)
                if dialect == "postgresql":
                    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                        connection.execute(text("VACUUM ANALYZE"))
                else:
                    db.session.execute(text("ANALYZE"))
                    db.session.commit()
                if dialect == "postgresql":  # the fill gave explicit ids: move the sequences past them
                    for table in ("response", "answer"):
                        db.session.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT max(id) FROM {table}))"
                            )
                        )
                    db.session.commit()
                print(f"{'fill':<56} {time.perf_counter() - start:9.1f} s")
                campaign_id, slug = big.id, big.slug
                plain = _best("plain GROUP BY count", lambda: plain_group_by(db, campaign_id))

                def nothing_kept() -> None:
                    kept.forget_kept()
                    campaign_report(big)

                fresh = _best("report with nothing kept (table, intervals, breakdowns)", nothing_kept, runs=1)
                db.session.rollback()
                kept.forget_kept()
                db.session.commit()
                db.session.remove()

            def new_worker() -> None:  # a process with nothing in memory: the database copy only
                with app.app_context():
                    kept.forget_kept(in_database=False)
                _view(client, slug)

            client = _signed_in(app)
            untended = _best("page, first view with nothing kept", lambda: _view(client, slug), runs=1)
            with app.app_context():
                kept.forget_kept()
                db.session.commit()
            upkept = _best(
                "upkeep after storing them (as an import does)", lambda: _upkeep(app, campaign_id), runs=1
            )
            with app.app_context():
                kept.forget_kept(in_database=False)  # the page is served by another process
            first = _best(
                "page, first view after the upkeep (another process)", lambda: _view(client, slug), runs=1
            )
            again = _best("page, viewed again", lambda: _view(client, slug))
            worker = _best("page in another worker or after a restart", new_worker)
            _one_more(app, campaign_id, 1)
            changed = _best("page after one more response", lambda: _view(client, slug), runs=1)
            after = _best("page, viewed again after that", lambda: _view(client, slug))
            _one_more(app, campaign_id, 2)
            worker_changed = _best("another worker after one more response", lambda: new_worker(), runs=1)
            _view(client, slug)
            _exclude_first(app, campaign_id)
            excluded = _best("page after an exclusion", lambda: _view(client, slug), runs=1)
            _exclude_first(app, campaign_id, restore=True)
            restored = _best("page after the response was restored", lambda: _view(client, slug), runs=1)
            correction = _best(
                "a correction (one answer), carried over", lambda: _correct_first(app, campaign_id), runs=1
            )
            corrected = _best("page after the correction", lambda: _view(client, slug), runs=1)
            with app.app_context():
                db.engine.dispose()
        finally:
            drop()
    return {
        "benchmark": "report",
        "database": dialect,
        "responses": args.responses,
        "page_seconds": round(again, 3),
        "page_first_view_seconds": round(first, 3),
        "page_first_view_nothing_kept_seconds": round(untended, 3),
        "upkeep_seconds": round(upkept, 3),
        "page_other_worker_seconds": round(worker, 3),
        "page_other_worker_after_new_response_seconds": round(worker_changed, 3),
        "page_after_new_response_seconds": round(changed, 3),
        "page_again_after_new_response_seconds": round(after, 3),
        "page_after_exclusion_seconds": round(excluded, 3),
        "page_after_restore_seconds": round(restored, 3),
        "correction_seconds": round(correction, 3),
        "page_after_correction_seconds": round(corrected, 3),
        "report_nothing_kept_seconds": round(fresh, 3),
        "baseline_group_by_seconds": round(plain, 3),
        "ratio": round(again / plain, 3),
        "ratio_first_view": round(first / plain, 3),
        "ratio_nothing_kept": round(fresh / plain, 2),
    }


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
