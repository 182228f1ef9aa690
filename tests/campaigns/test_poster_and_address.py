"""The poster says which campaign and area it is for; the command line prints a reachable address."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp import server
from surveyapp.areas.services import load_areas
from surveyapp.extensions import db
from surveyapp.models import Area, Campaign
from tests.campaigns.test_manage import admin  # noqa: F401 (a fixture)


def test_poster_names_the_campaign_and_its_area(app: Flask, admin: FlaskClient, campaign: Campaign) -> None:  # noqa: F811
    with app.app_context():
        load_areas()
        stored = db.session.get(Campaign, campaign.id)
        county = db.session.query(Area).filter_by(name="寻甸县").one()
        assert stored is not None
        stored.area_id = county.id
        stored.name = "寻甸县2022年回访"
        db.session.commit()
    poster = admin.get(f"/campaigns/{campaign.slug}/poster").get_data(as_text=True)
    assert (
        '<p class="campaign" id="poster-campaign">寻甸县2022年回访<span class="area"> · 寻甸县</span></p>'
        in poster
    )


def test_loopback_address_is_printed_with_a_note() -> None:
    address, note = server.served_address("127.0.0.1", 5000)
    assert address == "http://127.0.0.1:5000"
    assert note is not None and "--host 0.0.0.0" in note


def test_every_interface_gives_the_network_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "_outward_address", lambda: "192.168.1.20")
    assert server.served_address("0.0.0.0", 8000) == ("http://192.168.1.20:8000", None)


def test_no_known_address_asks_for_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "_outward_address", lambda: None)
    address, note = server.served_address("0.0.0.0", 8000)
    assert address is None and note is not None and "SURVEYAPP_BASE_URL" in note


def test_outward_address_is_never_loopback() -> None:
    found = server._outward_address()
    assert found is None or not found.startswith("127.")
