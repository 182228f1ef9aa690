"""The evaluator's page kept ready: a campaign's aggregates brought up to date as responses arrive.

The page computes nothing it has kept (see :mod:`surveyapp.scoring.kept`): with its aggregates
at most a few thousand responses behind, it costs a fraction of a second however large the
campaign. Left alone, they fall behind by every response stored since someone last looked, and
the first view after a million responses reads every answer. So they are kept up as responses
are stored, in batches, never in a respondent's time:

* ``responses import`` brings them up to date once its rows are committed;
* a request that stored responses (the public form, a field device's sync, paper entry) has it
  done after its answer was sent, at most once per campaign and :data:`UPKEEP_SETTING` seconds
  in each process, and only when that means adding the responses that arrived since, not
  reading a large campaign from scratch (:data:`MAX_BEHIND`): the first view, or the next
  import, does that once.

Nothing kept this way can be stale: every aggregate stays keyed on the campaign's reading, so
the page uses it only for the very data it was computed from and adds whatever arrived after.
"""

from __future__ import annotations

import logging
import time
from threading import Lock

from flask import Flask, current_app, g, has_app_context
from flask.wrappers import Response as FlaskResponse
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from surveyapp.extensions import db
from surveyapp.models import Campaign, KeptAggregate, Response
from surveyapp.quality.services import campaign_quality
from surveyapp.scoring.kept import one_reading, reading
from surveyapp.scoring.report import campaign_report

log = logging.getLogger(__name__)

#: The configuration key: the least seconds between two upkeeps of a campaign in one process
#: after a request stored responses (None: never after a request; imports still keep it up).
UPKEEP_SETTING = "KEPT_UPKEEP_SECONDS"
#: An upkeep after a request adds at most this many responses beyond the ones it stored itself.
MAX_BEHIND = 100_000
_NOTED = "surveyapp_upkeep_noted"
_LAST = "surveyapp_upkeep_last"
_lock = Lock()


def bring_up_to_date(campaign: Campaign) -> None:
    """Compute and keep everything the campaign's page counts (its report with every breakdown,
    and its quality checks), adding only the responses stored since they were last kept.

    The copies for other processes are written in the current transaction: the caller commits.
    """
    with one_reading(campaign):
        campaign_report(campaign)
        campaign_quality(campaign)


def responses_behind(campaign_id: int) -> int:
    """How many of the campaign's responses bringing it up to date reads: those its newest kept
    copy does not count, or all of them when that copy is of another data revision, or when a
    response with a lower id than the copy's highest was stored after it (on PostgreSQL a
    transaction can commit after a later one), which the copy cannot be added to."""
    count, _highest, data_revision, _exclusions = reading(campaign_id)
    newest = db.session.execute(
        select(KeptAggregate.response_count, KeptAggregate.highest_response)
        .where(KeptAggregate.campaign_id == campaign_id, KeptAggregate.data_revision == data_revision)
        .order_by(KeptAggregate.response_count.desc())
        .limit(1)
    ).first()
    if newest is None:
        return count
    counted, highest = newest
    above = db.session.scalar(
        select(func.count()).where(Response.campaign_id == campaign_id, Response.id > highest)
    )
    return count - counted if above == count - counted else count


def note_stored(campaign_id: int, added: int = 1) -> None:
    """Note that the current request stored ``added`` new responses of the campaign."""
    if not has_app_context():
        return
    noted: dict[int, int] = g.setdefault(_NOTED, {})
    noted[campaign_id] = noted.get(campaign_id, 0) + added


def _due(app: Flask, noted: dict[int, int], every: float) -> dict[int, int]:
    """The noted campaigns this process has not kept up for ``every`` seconds, marked as kept now."""
    now = time.monotonic()
    last: dict[int, float] = app.extensions.setdefault(_LAST, {})
    with _lock:
        due = {c: n for c, n in noted.items() if now - last.get(c, -float("inf")) >= every}
        last.update(dict.fromkeys(due, now))
    return due


def _after_request(response: FlaskResponse) -> FlaskResponse:
    noted = g.pop(_NOTED, None)
    every = current_app.config.get(UPKEEP_SETTING)
    if not noted or every is None or response.status_code >= 400:
        return response
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    due = _due(app, noted, float(every))
    if due:  # run once the answer is sent: the server closes the response after writing it
        response.call_on_close(lambda: keep_up(app, due))
    return response


def keep_up(app: Flask, stored: dict[int, int]) -> None:
    """Bring each campaign up to date, in a transaction of its own, unless that means reading far
    more than the ``stored`` responses (by campaign id). It runs after the answer was sent: a
    database that is busy or gone is logged, and the page's next view counts what is missing."""
    with app.app_context():
        try:
            for campaign_id, added in stored.items():
                campaign = db.session.get(Campaign, campaign_id)
                if campaign is None or responses_behind(campaign_id) - added > MAX_BEHIND:
                    continue
                bring_up_to_date(campaign)
                db.session.commit()
        except SQLAlchemyError as error:  # the database is busy or gone: the next view computes
            log.warning("aggregates not kept up: %s", type(error).__name__)
        finally:  # rolls back whatever was not committed
            db.session.remove()


def init_app(app: Flask) -> None:
    """Keep campaigns' aggregates up after the requests that store responses."""
    app.after_request(_after_request)
