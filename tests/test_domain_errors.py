"""A service's refusal that no view shows in a form reaches one handler: a page in the user's language."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from surveyapp.areas.services import AreaError
from surveyapp.extensions import db
from surveyapp.models import Area


def test_a_domain_error_is_a_translated_422_and_rolls_back(app: Flask) -> None:
    @app.get("/refuse")
    def refuse() -> str:
        db.session.add(Area(code="KM-TEST", name="测试", level="county"))
        db.session.flush()
        raise AreaError(_l("An area with this code already exists."), field="code")

    client = app.test_client()
    chinese = client.get("/refuse")
    assert chinese.status_code == 422
    assert "已有使用此代码的地区。" in chinese.get_data(as_text=True)
    english = client.get("/refuse", headers={"Accept-Language": "en"})
    assert "An area with this code already exists." in english.get_data(as_text=True)
    as_json = client.get("/refuse", headers={"Accept": "application/json"})
    assert as_json.status_code == 422 and as_json.get_json()["error"]["message"] == "已有使用此代码的地区。"
    with app.app_context():
        assert db.session.query(Area).filter_by(code="KM-TEST").count() == 0
