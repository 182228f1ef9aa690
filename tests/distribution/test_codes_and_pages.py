"""A sampled person answers once with a personal code; staff see who has answered; nothing leaks."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Campaign, CodeUse, PersonalCode, Response
from tests.accounts.conftest import sign_in
from tests.conftest import csrf_token
from tests.distribution.people import people, roster_csv

ANSWERS = {f"q{n}": "A" for n in range(1, 11)}


def _upload(client: FlaskClient, slug: str, rows: list[dict[str, str]], keep: bool = False) -> str:
    page = client.get(f"/distribution/{slug}/").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "file": (io.BytesIO(roster_csv(rows)), "roster.csv")}
    if keep:
        data["keep_contacts"] = "y"
    response = client.post(f"/distribution/{slug}/roster", data=data, content_type="multipart/form-data")
    return response.get_data(as_text=True) if response.status_code != 303 else ""


def _draw(client: FlaskClient, slug: str, **values: str) -> int:
    page = client.get(f"/distribution/{slug}/").get_data(as_text=True)
    return client.post(
        f"/distribution/{slug}/sample", data={"csrf_token": csrf_token(page), **values}
    ).status_code


def _set_access(client: FlaskClient, slug: str, mode: str) -> None:
    page = client.get(f"/distribution/{slug}/").get_data(as_text=True)
    assert (
        client.post(
            f"/distribution/{slug}/access", data={"csrf_token": csrf_token(page), "access": mode}
        ).status_code
        == 303
    )


@pytest.fixture
def evaluator(client: FlaskClient, make_user: Callable[..., int]) -> FlaskClient:
    make_user("eva", "evaluator")
    assert sign_in(client, "eva") == 303
    return client


@pytest.fixture
def sampled(app: Flask, evaluator: FlaskClient, campaign: Campaign) -> list[str]:
    """A roster of 60 with names kept, 5 drawn per county, the campaign code-only; returns the codes."""
    assert _upload(evaluator, campaign.slug, people(60), keep=True) == ""
    assert _draw(evaluator, campaign.slug, per_county="5", seed="11") == 303
    _set_access(evaluator, campaign.slug, "code")
    with app.app_context():
        return list(db.session.scalars(select(PersonalCode.code).order_by(PersonalCode.code)))


def _filled(form: str) -> dict[str, str]:
    """Every answer A, with the form's own hidden fields."""
    hidden = dict(re.findall(r'<input[^>]*name="(submission_id|csrf_token)"[^>]*value="([^"]+)"', form))
    hidden.update(
        {
            k: v
            for v, k in re.findall(r'<input[^>]*value="([^"]+)"[^>]*name="(submission_id|csrf_token)"', form)
        }
    )
    assert "submission_id" in hidden, form[:2000]
    return {**ANSWERS, **hidden}


def _answer(app: Flask, slug: str, code: str) -> tuple[FlaskClient, str]:
    phone = app.test_client()
    form = phone.get(f"/s/{slug}?code={code}").get_data(as_text=True)
    return phone, phone.post(f"/s/{slug}", data=_filled(form)).get_data(as_text=True)


def test_a_code_answers_once(app: Flask, campaign: Campaign, sampled: list[str]) -> None:
    assert len(sampled) == 15
    _phone, _ = _answer(app, campaign.slug, sampled[0])
    other_phone = app.test_client()
    again = other_phone.get(f"/s/{campaign.slug}?code={sampled[0]}").get_data(as_text=True)
    assert "already received with this code" in again or "已收到" in again
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        assert db.session.scalar(select(func.count()).select_from(CodeUse)) == 1


def test_two_phones_racing_with_one_code_store_one_response(
    app: Flask, campaign: Campaign, sampled: list[str]
) -> None:
    first, second = app.test_client(), app.test_client()
    forms = [c.get(f"/s/{campaign.slug}?code={sampled[1]}").get_data(as_text=True) for c in (first, second)]
    pages = [
        c.post(f"/s/{campaign.slug}", data=_filled(f)) for c, f in zip((first, second), forms, strict=True)
    ]
    assert [p.status_code for p in pages] == [303, 200]
    assert "already received with this code" in pages[1].get_data(as_text=True) or "已收到" in pages[
        1
    ].get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_code_only_campaign_asks_for_a_code_and_unknown_codes_reveal_nothing(
    app: Flask, campaign: Campaign, sampled: list[str]
) -> None:
    phone = app.test_client()
    page = phone.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert 'name="code"' in page and 'name="q1"' not in page
    unknown = phone.get(f"/s/{campaign.slug}?code=ZZZZZZZZ").get_data(as_text=True)
    other = phone.get(f"/s/{campaign.slug}?code=ABC").get_data(as_text=True)
    strip = lambda html: re.sub(r'value="[^"]*"|code%3D\w+', "", html)  # noqa: E731
    assert strip(unknown) == strip(other)  # the same words whatever was typed
    assert 'name="q1"' not in unknown


def test_guessing_codes_is_throttled_per_address(app: Flask, campaign: Campaign, sampled: list[str]) -> None:
    app.config["CODE_GUESS_LIMIT"] = 3
    phone = app.test_client()
    statuses = [phone.get(f"/s/{campaign.slug}?code=GUESS{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Even a right code waits once the address is blocked: the guesser learns nothing.
    assert phone.get(f"/s/{campaign.slug}?code={sampled[2]}").status_code == 429


def test_open_campaign_ignores_codes(
    app: Flask, evaluator: FlaskClient, campaign: Campaign, sampled: list[str]
) -> None:
    _set_access(evaluator, campaign.slug, "anyone")
    page = app.test_client().get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert 'name="q1"' in page


def test_tracking_counts_by_county_and_lists_people_to_visit(
    app: Flask, evaluator: FlaskClient, campaign: Campaign, sampled: list[str], make_user: Callable[..., int]
) -> None:
    _answer(app, campaign.slug, sampled[0])
    app.test_client().get(f"/s/{campaign.slug}?code={sampled[1]}")  # opened, not answered
    page = evaluator.get(f"/distribution/{campaign.slug}/tracking").get_data(as_text=True)
    assert "寻甸县" in page and "禄劝县" in page
    assert sampled[0] not in page  # answered: no longer on the list to visit
    assert all(code in page for code in sampled[2:])
    with app.app_context():
        from surveyapp.distribution.tracking import progress

        rows = progress(db.session.get(Campaign, campaign.id), None)  # type: ignore[arg-type]
    assert sum(r.sampled for r in rows) == 15 and sum(r.answered for r in rows) == 1
    assert sum(r.opened for r in rows) == 2
    make_user("field", "field_staff", "530129")
    county = app.test_client()
    assert sign_in(county, "field") == 303
    page = county.get(f"/distribution/{campaign.slug}/tracking").get_data(as_text=True)
    assert "寻甸县" in page and "禄劝县" not in page


def test_roster_errors_listed_and_nothing_imported(
    app: Flask, evaluator: FlaskClient, campaign: Campaign
) -> None:
    rows = people(4)
    rows[2]["身份证号"] = rows[2]["身份证号"][:6] + "19990230" + rows[2]["身份证号"][14:]
    page = _upload(evaluator, campaign.slug, rows)
    assert "第 4 行" in page or "Row 4" in page
    assert rows[2]["身份证号"] not in page
    with app.app_context():
        from surveyapp.models import RosterPerson

        assert db.session.scalar(select(func.count()).select_from(RosterPerson)) == 0


def test_no_page_or_export_shows_names_phones_or_id_numbers_not_asked_for(
    app: Flask, evaluator: FlaskClient, campaign: Campaign, caplog: pytest.LogCaptureFixture
) -> None:
    rows = people(30)
    assert _upload(evaluator, campaign.slug, rows, keep=False) == ""
    assert _draw(evaluator, campaign.slug, fraction="0.5", seed="3") == 303
    seen = "".join(
        evaluator.get(url).get_data(as_text=True)
        for url in (
            f"/distribution/{campaign.slug}/",
            f"/distribution/{campaign.slug}/tracking",
            f"/distribution/{campaign.slug}/cards",
            f"/distribution/{campaign.slug}/codes.csv",
            f"/campaigns/{campaign.slug}",
            f"/evaluation/campaigns/{campaign.slug}",
            "/admin/audit/",
        )
    )
    seen += caplog.text
    for person in rows:
        assert person["姓名"] not in seen
        assert person["联系电话"] not in seen
        assert person["身份证号"] not in seen
    with app.app_context():
        from surveyapp.models import RosterPerson

        stored = db.session.scalars(select(RosterPerson)).all()
        assert all(p.name_secret is None and p.phone_secret is None for p in stored)
        assert all(len(p.id_hash) == 64 for p in stored)


def test_kept_names_are_encrypted_and_shown_only_on_the_visit_list(
    app: Flask, evaluator: FlaskClient, campaign: Campaign, sampled: list[str]
) -> None:
    with app.app_context():
        from surveyapp.models import RosterPerson

        secrets = [p.name_secret for p in db.session.scalars(select(RosterPerson))]
    assert all(s is not None and "测试人".encode() not in s for s in secrets)
    assert "测试人" in evaluator.get(f"/distribution/{campaign.slug}/tracking").get_data(as_text=True)
    assert "测试人" not in evaluator.get(f"/distribution/{campaign.slug}/codes.csv").get_data(as_text=True)
    assert "测试人" not in evaluator.get(f"/distribution/{campaign.slug}/cards").get_data(as_text=True)


def test_cards_pdf_and_print_page(evaluator: FlaskClient, campaign: Campaign, sampled: list[str]) -> None:
    pdf = evaluator.get(f"/distribution/{campaign.slug}/cards.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    page = evaluator.get(f"/distribution/{campaign.slug}/cards").get_data(as_text=True)
    assert page.count('class="card"') == 15 and page.count('class="sheet"') == 2  # 12 + 3
    assert all(code in page for code in sampled)


def test_an_interview_entered_with_a_code_closes_it(
    app: Flask, campaign: Campaign, sampled: list[str], make_user: Callable[..., int]
) -> None:
    make_user("interviewer", "field_staff")
    staff = app.test_client()
    assert sign_in(staff, "interviewer") == 303

    def enter(code: str) -> int:
        page = staff.get(f"/entry/{campaign.slug}").get_data(as_text=True)
        data = {**_filled(page), "channel": "interview", "mode": "read_aloud", "personal_code": code}
        return staff.post(f"/entry/{campaign.slug}", data=data).status_code

    assert enter(sampled[3].lower()) == 303  # typed in lower case: the same code
    assert enter(sampled[3]) == 409  # the code has answered: nothing more is stored
    assert enter("ZZZZZZZZ") == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    left = staff.get(f"/distribution/{campaign.slug}/tracking").get_data(as_text=True)
    assert sampled[3] not in left and sampled[4] in left
    phone = app.test_client().get(f"/s/{campaign.slug}?code={sampled[3]}").get_data(as_text=True)
    assert "already received with this code" in phone or "已收到" in phone


def test_the_database_refuses_a_second_use_of_a_code(
    app: Flask, campaign: Campaign, sampled: list[str]
) -> None:
    from surveyapp.distribution.codes import CodeUsedError, find_code, redeem
    from surveyapp.survey.services import Submission, submit_response

    with app.test_request_context():
        found = db.session.get(Campaign, campaign.id)
        assert found is not None
        code = find_code(found, sampled[5])
        assert code is not None
        answers = {n: "A" for n in range(1, 11)}
        first, _ = submit_response(found, Submission("first", answers))
        second, _ = submit_response(found, Submission("second", answers))
        redeem(code, first)
        with pytest.raises(CodeUsedError):
            redeem(code, second)  # no look-up first: only the unique constraint stands in the way
        assert db.session.scalar(select(func.count()).select_from(CodeUse)) == 1


def test_cross_check_page_and_workbook(evaluator: FlaskClient) -> None:
    from openpyxl import load_workbook

    everyone = people(8)
    a = [{"身份证号": p["身份证号"], "补助标准": "200元", "缴费方式": "代缴"} for p in everyone[:5]]
    b = [{"身份证号": p["身份证号"], "补助标准": "100", "缴费方式": "代缴"} for p in everyone[3:]]
    page = evaluator.get("/distribution/crosscheck").get_data(as_text=True)

    def send(**extra: str) -> tuple[int, bytes]:
        data = {
            "csrf_token": csrf_token(page),
            "file_a": (io.BytesIO(roster_csv(a)), "a.csv"),
            "file_b": (io.BytesIO(roster_csv(b, "gb18030")), "b.csv"),
            **extra,
        }
        response = evaluator.post("/distribution/crosscheck", data=data, content_type="multipart/form-data")
        return response.status_code, response.data

    status, body = send()
    shown = body.decode()
    assert status == 200
    # people 3 and 4 are on both lists, with 200 in A and 100 in B: both conflict
    assert re.search(r"两份名单都有</dt><dd>2<|On both lists</dt><dd>2<", shown)
    assert re.search(r"仅在名单 A 中</dt><dd>3<|On list A only</dt><dd>3<", shown)
    assert not any(p["身份证号"] in shown for p in everyone)
    status, book = send(download="xlsx")
    assert status == 200 and book[:2] == b"PK"
    sheets = load_workbook(io.BytesIO(book), read_only=True).worksheets
    summary = {row[0]: row[1] for row in sheets[0].iter_rows(min_row=2, values_only=True)}
    assert list(summary.values())[:4] == [2, 3, 3, 2]
