"""The kept questions of the form page are never stale, never another language's or display's."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Campaign, QuestionnaireVersion
from surveyapp.questionnaires.reading import parse_questionnaire
from surveyapp.questionnaires.services import find_version, publish_version, store_questionnaire
from surveyapp.survey import pages
from tests.survey.test_form import _form_data

CHINESE_QUESTION = "您对该项目2022年工作的总体评价是："
ENGLISH_QUESTION = "Your overall rating of the project&#39;s work in 2022:"
TOKENS = re.compile(r'(name="(?:csrf_token|submission_id)" type="hidden" value=)"[^"]+"')


def _page(client: FlaskClient, slug: str) -> str:
    return client.get(f"/s/{slug}").get_data(as_text=True)


def _without_tokens(page: str) -> str:
    return TOKENS.sub(r'\1"…"', page)


def _fresh_page(client: FlaskClient, slug: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "pristine_questions", lambda form: None)
        patch.setattr(pages, "_page_key", lambda kind, campaign: None)
        return _page(client, slug)


@pytest.mark.parametrize("display", ["", "faces", "large", "steps"])
@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_kept_page_is_the_page_rendered_afresh(
    client: FlaskClient, campaign: Campaign, bilingual: str, language: str, display: str
) -> None:
    client.get(f"/language/{language}")
    if display:
        client.get(f"/display?display={display}&next=/")
    for slug in (campaign.slug, bilingual):  # the second has groups, notes and skip logic
        first, kept = _page(client, slug), _page(client, slug)
        fresh = _fresh_page(client, slug)
        assert _without_tokens(first) == _without_tokens(kept) == _without_tokens(fresh)
    first = _page(client, campaign.slug)
    assert first.count("<fieldset") == 10


@pytest.fixture
def bilingual(app: Flask, questionnaire: QuestionnaireVersion) -> str:
    """The slug of a campaign on the bundled questionnaire that has English texts too."""
    with app.app_context():
        version = find_version("kunming-2022-pension-survey")
        assert version is not None
        slug = create_campaign(version, "bilingual").slug
        db.session.commit()
        return slug


def test_each_language_gets_its_own_questions(app: Flask, bilingual: str) -> None:
    chinese, english = app.test_client(), app.test_client()
    english.get("/language/en")
    zh_page = _page(chinese, bilingual)  # kept in Chinese first
    assert CHINESE_QUESTION in zh_page and ENGLISH_QUESTION not in zh_page
    en_page = _page(english, bilingual)
    assert '<html lang="en">' in en_page
    assert ENGLISH_QUESTION in en_page and CHINESE_QUESTION not in en_page
    zh_again = _page(chinese, bilingual)
    assert '<html lang="zh-CN">' in zh_again
    assert CHINESE_QUESTION in zh_again and ENGLISH_QUESTION not in zh_again
    assert _without_tokens(zh_again) == _without_tokens(zh_page)
    assert _without_tokens(_page(english, bilingual)) == _without_tokens(en_page)
    assert _without_tokens(_fresh_page(english, bilingual)) == _without_tokens(en_page)


def test_each_display_mode_gets_its_own_questions(app: Flask, campaign: Campaign) -> None:
    plain, with_faces = app.test_client(), app.test_client()
    with_faces.get("/display?display=faces&next=/")
    assert 'class="face face-' in _page(with_faces, campaign.slug)
    assert 'class="face face-' not in _page(plain, campaign.slug)
    assert 'class="face face-' in _page(with_faces, campaign.slug)


def test_refused_post_keeps_answers_and_messages_and_the_next_page_is_blank(
    client: FlaskClient, campaign: Campaign
) -> None:
    _page(client, campaign.slug)  # the blank questions are kept
    data = _form_data(client, campaign.slug, {1: "A", 2: "B"})
    refused = client.post(f"/s/{campaign.slug}", data=data)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert page.count(" checked") == 2 and re.search(r'value="B" checked', page)
    assert page.count('class="error-message"') == 8
    blank = _page(client, campaign.slug)
    assert " checked" not in blank and 'class="error-message"' not in blank


def _second_version(slug: str) -> None:
    """A new version of a questionnaire, with other questions, given to the campaign ``slug``."""
    spec = parse_questionnaire(
        {
            "id": "kept-test",
            "version": 1,
            "title": "新版本",
            "scale": [
                {"code": "A", "label": "满意", "weight": 1},
                {"code": "B", "label": "不满意", "weight": 0},
            ],
            "questions": [{"number": 1, "text": "新版本的唯一问题"}],
        },
        "kept.yaml",
    )
    version, _new = store_questionnaire(spec, "kept.yaml")
    publish_version(version)
    campaign = db.session.scalars(db.select(Campaign).where(Campaign.slug == slug)).one()
    campaign.questionnaire_version_id = version.id
    db.session.commit()


def test_a_new_version_shows_its_own_questions(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    assert CHINESE_QUESTION in _page(client, campaign.slug)
    with app.app_context():
        _second_version(campaign.slug)
    page = _page(client, campaign.slug)
    assert "新版本的唯一问题" in page and CHINESE_QUESTION not in page
    assert page.count("<fieldset") == 1


def test_another_campaign_on_another_version_is_not_served_the_first(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    _page(client, campaign.slug)
    with app.app_context():
        version = db.session.get(QuestionnaireVersion, campaign.questionnaire_version_id)
        other = create_campaign(version, "second").slug
        db.session.commit()
        _second_version(other)
    assert "新版本的唯一问题" in _page(client, other)
    assert CHINESE_QUESTION in _page(client, campaign.slug)


def test_kept_blocks_are_bounded(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    _page(client, campaign.slug)
    store = app.extensions[pages._EXTENSION]
    assert len(store) == 1
    for n in range(pages.MAX_KEPT + 5):
        store[("filler", n)] = "x"
    client.get("/language/en")
    _page(client, campaign.slug)
    assert len(store) <= pages.MAX_KEPT
