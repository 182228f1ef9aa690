"""The offline device's sync, paper serials, corrections, field breakdowns and importing a device's file."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from surveyapp.areas.services import add_area, load_areas
from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Area, AuditEvent, Campaign, FieldDetail, QuestionnaireVersion, Response, User
from surveyapp.scoring.breakdowns import campaign_breakdown
from surveyapp.survey import services as survey_services
from tests.accounts.conftest import sign_in

ALL_A = [(f"q{n}", "A") for n in range(1, 11)]
ALL_B = [(f"q{n}", "B") for n in range(1, 11)]


@pytest.fixture
def places(app: Flask, questionnaire: QuestionnaireVersion) -> dict[str, str]:
    """寻甸县's campaign, the township 仁德街道 and its village 北门社区."""
    with app.app_context():
        load_areas()
        county = db.session.scalars(select(Area).where(Area.code == "530129")).one()
        township = add_area(county, "仁德街道", "530129001")
        village = add_area(township, "北门社区", "530129001001")
        version = db.session.get(QuestionnaireVersion, questionnaire.id)
        made = create_campaign(version, "寻甸县访谈", area_id=county.id, target_responses=41)  # type: ignore[arg-type]
        db.session.commit()
        return {"slug": made.slug, "township": str(township.id), "village": str(village.id)}


@pytest.fixture
def worker(
    client: FlaskClient, make_user: Callable[..., int], places: dict[str, str]
) -> tuple[FlaskClient, int]:
    user_id = make_user("xd.field", "field_staff", "530129")
    assert sign_in(client, "xd.field") == 303
    return client, user_id


def _token(client: FlaskClient) -> str:
    answer = client.get("/entry/sync/token", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    return str(answer.get_json()["csrf_token"])


def _send(client: FlaskClient, slug: str, kind: str, fields: list[tuple[str, str]], token: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["X-CSRFToken"] = token
    return client.post(f"/entry/{slug}/sync?kind={kind}", data=MultiDict(fields), headers=headers)


def _interview(user_id: int, village: str, tail: str = "aaaaaaaaaaaa") -> list[tuple[str, str]]:
    return [
        ("submission_id", f"u{user_id}-{tail}"),
        ("channel", "interview"),
        ("mode", "read_aloud"),
        ("respondent_area", village),
        ("answered_on", "2026-11-20"),
        ("note", "老人视力不好，由访谈员读题。"),
        *ALL_A,
    ]


def _sheet(user_id: int, serial: str, township: str, tail: str) -> list[tuple[str, str]]:
    return [
        ("submission_id", f"u{user_id}-{tail}"),
        ("batch_size", "20"),
        ("respondent_area", township),
        ("sheet_serial", serial),
        ("batch", "batch-1"),
        *ALL_B,
    ]


def test_a_resent_interview_is_stored_once_with_every_detail(
    app: Flask, worker: tuple[FlaskClient, int], places: dict[str, str]
) -> None:
    client, user_id = worker
    token = _token(client)
    fields = _interview(user_id, places["village"])
    first = _send(client, places["slug"], "interview", fields, token)
    again = _send(
        client, places["slug"], "interview", fields, token
    )  # the reply was lost; the device resends
    assert (first.status_code, first.get_json()["status"]) == (201, "stored")
    assert (again.status_code, again.get_json()["status"]) == (200, "duplicate")
    assert again.get_json()["id"] == first.get_json()["id"]
    with app.app_context():
        [stored] = db.session.scalars(select(Response)).all()
        detail = db.session.get(FieldDetail, stored.id)
        assert (stored.channel, stored.mode, str(stored.area_id), stored.entered_by_id) == (
            "interview",
            "read_aloud",
            places["village"],
            user_id,
        )
        assert stored.submitted_at.isoformat() == "2026-11-19T16:00:00+00:00"  # midnight in Kunming
        assert detail is not None and detail.note == "老人视力不好，由访谈员读题。"
        assert len(stored.answers) == 10


def test_an_entry_holds_the_write_lock_before_it_reads_inside_its_savepoint(
    app: Flask,
    worker: tuple[FlaskClient, int],
    places: dict[str, str],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another writer (a respondent's answer, the page's upkeep) cannot commit between the entry's
    look-up and its insert: on SQLite that left the insert refused at once, "database is locked",
    and a field device's sync answered 503 (seen in the browser tests under load)."""
    if database_url:
        pytest.skip("SQLite's single write lock only; a database server has none")
    client, user_id = worker
    token = _token(client)
    look_up = survey_services.find_response
    others: list[str] = []

    def look_up_then_another_writer(*args: object, **kwargs: object) -> object:
        found = look_up(*args, **kwargs)  # the savepoint's first read
        other = sqlite3.connect(db.engine.url.database or "", timeout=0)
        try:  # another connection tries to write now, without waiting
            other.execute("UPDATE campaign SET name = name")
            other.commit()
            others.append("committed in between")
        except sqlite3.OperationalError:
            others.append("waited for the entry")
        finally:
            other.close()
        return found

    monkeypatch.setattr(survey_services, "find_response", look_up_then_another_writer)
    sheet = _sheet(user_id, "31", places["township"], "kkkkkkkkkkkk")
    stored = _send(client, places["slug"], "paper", sheet, token)
    assert stored.status_code == 201, stored.get_json()
    assert others == ["waited for the entry"]


def test_sync_keeps_csrf_protection_and_answers_signed_out_devices(
    app: Flask, worker: tuple[FlaskClient, int], places: dict[str, str]
) -> None:
    client, user_id = worker
    assert (
        _send(client, places["slug"], "interview", _interview(user_id, places["village"])).status_code == 400
    )
    client.post("/logout", data={"csrf_token": _token(client)})
    gone = client.get("/entry/sync/token", headers={"Accept": "application/json"})
    assert gone.status_code == 401 and gone.get_json()["status"] == "signed_out"
    with app.app_context():
        assert db.session.scalars(select(Response)).all() == []


def test_ids_of_another_account_closed_campaigns_and_bad_answers_are_refused_with_a_reason(
    app: Flask, worker: tuple[FlaskClient, int], places: dict[str, str]
) -> None:
    client, user_id = worker
    token = _token(client)
    foreign = _send(client, places["slug"], "interview", _interview(user_id + 1, places["village"]), token)
    assert foreign.status_code == 403 and "另一个账号" in foreign.get_json()["reason"]
    wrong = [*_interview(user_id, places["village"], "bbbbbbbbbbbb")[:-1], ("q10", "Z")]
    bad = _send(client, places["slug"], "interview", wrong, token)
    assert bad.status_code == 422 and bad.get_json()["status"] == "refused"
    with app.app_context():
        db.session.scalars(select(Campaign)).one().close()
        db.session.commit()
    closed = _send(client, places["slug"], "interview", _interview(user_id, places["village"]), token)
    assert closed.status_code == 409 and "已关闭，不再接收答卷" in closed.get_json()["reason"]
    with app.app_context():
        assert db.session.scalars(select(Response)).all() == []


def test_a_second_sheet_with_the_same_serial_is_refused_naming_the_first(
    app: Flask, worker: tuple[FlaskClient, int], places: dict[str, str]
) -> None:
    client, user_id = worker
    token = _token(client)
    first = _send(
        client, places["slug"], "paper", _sheet(user_id, "0007", places["township"], "cccccccccccc"), token
    )
    assert first.status_code == 201
    second = _send(
        client, places["slug"], "paper", _sheet(user_id, "0007", places["township"], "dddddddddddd"), token
    )
    assert second.status_code == 409
    assert f"答卷编号 {first.get_json()['id']}" in second.get_json()["reason"]
    # The page without JavaScript says the same and keeps the sheet's answers.
    page = client.get(f"/entry/{places['slug']}/paper").get_data(as_text=True)
    plain = dict(_sheet(user_id, "0007", places["township"], "eeeeeeeeeeee"))
    plain["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    answer = client.post(f"/entry/{places['slug']}/paper", data=plain)
    assert answer.status_code == 409
    text = answer.get_data(as_text=True)
    assert "该编号的问卷已经录入过" in text and text.count(" checked") == 10
    with app.app_context():
        [stored] = db.session.scalars(select(FieldDetail)).all()
        assert (stored.sheet_serial, stored.batch) == ("0007", "batch-1")


def test_paper_sheet_without_javascript_counts_the_batch(
    app: Flask, worker: tuple[FlaskClient, int], places: dict[str, str]
) -> None:
    client, user_id = worker
    for serial, tail in (("1", "ffffffffffff"), ("2", "gggggggggggg")):
        page = client.get(f"/entry/{places['slug']}/paper?batch=batch-1&size=20").get_data(as_text=True)
        form = dict(_sheet(user_id, serial, places["township"], tail))
        form["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        answer = client.post(f"/entry/{places['slug']}/paper", data=form)
        assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "本批已录入 2 份，共 20 份。" in page


def test_a_correction_keeps_the_earlier_answers_in_the_audit_log(
    app: Flask, worker: tuple[FlaskClient, int], places: dict[str, str]
) -> None:
    client, user_id = worker
    stored = _send(
        client,
        places["slug"],
        "paper",
        _sheet(user_id, "12", places["township"], "hhhhhhhhhhhh"),
        _token(client),
    )
    number = stored.get_json()["id"]
    page = client.get(f"/entry/{places['slug']}/responses/{number}/correct").get_data(as_text=True)
    assert page.count(" checked") == 10 and 'value="12"' in page
    form = dict(_sheet(user_id, "12", places["township"], "hhhhhhhhhhhh"))
    form.update(
        {
            "q3": "E",
            "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1),
        }
    )  # type: ignore[union-attr]
    assert client.post(f"/entry/{places['slug']}/responses/{number}/correct", data=form).status_code == 303
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "response.correct")).all()
        assert event.details["before"]["answers"]["q3"] == "B"
        assert event.details["after"]["answers"]["q3"] == "E"
        assert event.actor == "xd.field" and event.target_id == str(number)
        assert len(db.session.get(Response, number).answers) == 10  # type: ignore[union-attr]


def test_another_workers_entry_cannot_be_corrected(
    app: Flask, worker: tuple[FlaskClient, int], places: dict[str, str], make_user: Callable[..., int]
) -> None:
    client, user_id = worker
    stored = _send(
        client,
        places["slug"],
        "paper",
        _sheet(user_id, "13", places["township"], "iiiiiiiiiiii"),
        _token(client),
    )
    make_user("xd.other", "field_staff", "530129")
    other = app.test_client()
    sign_in(other, "xd.other")
    assert (
        other.get(f"/entry/{places['slug']}/responses/{stored.get_json()['id']}/correct").status_code == 404
    )


def test_scores_break_down_by_interviewer_mode_township_and_village(
    app: Flask, worker: tuple[FlaskClient, int], places: dict[str, str], make_user: Callable[..., int]
) -> None:
    client, user_id = worker
    token = _token(client)
    # All A in the village, read aloud (100 points); all B on paper in the township (90 points).
    assert (
        _send(client, places["slug"], "interview", _interview(user_id, places["village"]), token).status_code
        == 201
    )
    assert (
        _send(
            client, places["slug"], "paper", _sheet(user_id, "1", places["township"], "jjjjjjjjjjjj"), token
        ).status_code
        == 201
    )
    with app.app_context():
        campaign = db.session.scalars(select(Campaign)).one()

        def scores(by: str) -> dict[str, tuple[int, float]]:
            frame = campaign_breakdown(campaign, by)
            return {
                row[by]: (int(row["respondents"]), round(float(row["score"]), 2))
                for _, row in frame.iterrows()
            }

        assert scores("interviewer") == {"xd.field": (2, 95.0)}
        assert scores("mode") == {"read_aloud": (1, 100.0), "unknown": (1, 90.0)}
        assert scores("township") == {"仁德街道": (2, 95.0)}
        assert scores("village") == {"仁德街道 北门社区": (1, 100.0), "unknown": (1, 90.0)}
    make_user("evaluator", "evaluator")
    desk = app.test_client()
    sign_in(desk, "evaluator")
    page = desk.get(f"/evaluation/campaigns/{places['slug']}").get_data(as_text=True)
    assert "按村（社区）" in page and "仁德街道 北门社区" in page and "读题协助" in page


def test_an_administrator_imports_a_devices_saved_file_once(
    app: Flask, runner: FlaskCliRunner, places: dict[str, str], make_user: Callable[..., int], tmp_path: Path
) -> None:
    user_id = make_user("xd.field", "field_staff", "530129")
    saved = {
        "format": "surveyapp-entries",
        "version": 1,
        "entries": [
            {
                "campaign": places["slug"],
                "kind": "interview",
                "fields": _interview(user_id, places["village"]),
            },
            {
                "campaign": places["slug"],
                "kind": "paper",
                "fields": _sheet(user_id, "5", places["township"], "kkkkkkkkkkkk"),
            },
        ],
    }
    file = tmp_path / "device.json"
    file.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    first = runner.invoke(args=["entries", "import", str(file)])
    assert first.exit_code == 0, first.output
    assert first.output.strip().splitlines()[-1] == "2 of 2 entries stored"
    again = runner.invoke(args=["entries", "import", str(file)])
    assert again.output.strip().splitlines()[-1] == "0 of 2 entries stored"
    with app.app_context():
        stored = db.session.scalars(select(Response)).all()
        assert len(stored) == 2 and {r.entered_by_id for r in stored} == {user_id}
        assert db.session.scalars(select(User.username)).all() == ["xd.field"]


def test_the_service_workers_version_follows_every_file_it_caches(
    app: Flask, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker serves its static files from its cache first: were its version fixed, a changed
    # entry.js would never reach a device that had visited before.
    from surveyapp.fieldwork import sync

    first = client.get("/entry/sw.js")
    assert first.status_code == 200
    version = re.search(r'var VERSION = "(v\d+-[0-9a-f]{12})";', first.get_data(as_text=True))
    assert version is not None
    again = client.get("/entry/sw.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304

    static = tmp_path / "static"
    (static / "fieldwork").mkdir(parents=True)
    for name in ("survey.css", "staff.css", "relevant.js"):
        (static / name).write_bytes((Path(app.static_folder or "") / name).read_bytes())
    for name in ("fieldwork.css", "queue.js", "entry.js", "sw.js"):
        (static / "fieldwork" / name).write_bytes((sync.STATIC / name).read_bytes())
    monkeypatch.setattr(sync, "STATIC", static / "fieldwork")
    monkeypatch.setattr(app, "static_folder", str(static))
    same = re.search(r'var VERSION = "([^"]+)";', client.get("/entry/sw.js").get_data(as_text=True))
    assert same is not None and same[1] == version[1]  # the same files give the same version
    with (static / "fieldwork" / "entry.js").open("a", encoding="utf-8") as script:
        script.write("\n/* a fix */\n")
    changed = re.search(r'var VERSION = "([^"]+)";', client.get("/entry/sw.js").get_data(as_text=True))
    assert changed is not None and changed[1] != version[1] and changed[1].startswith("v")
