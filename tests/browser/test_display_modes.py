"""The respondent form for people with disabilities and old people: display modes, keyboard,
screen reader names, read aloud, one question per screen, zoom and forced colours."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, Campaign, Question, Response, ScaleOption
from tests.browser.conftest import axe_violations, describe

#: Everything a form page loads, compressed, in every mode (issue 13: a phone on a slow network).
PAGE_BUDGET_COMPRESSED = 10 * 1024
#: The budget of any questionnaire's page, however long.
PAGE_BUDGET_ANY_FORM = 30 * 1024
#: The elder mode of the MIIT's rules, in CSS pixels.
LARGE_TEXT_PX = 24
LARGE_TARGET_PX = 60
MIN_LINE_HEIGHT = 1.3
#: Keeps a step that waits for something that never comes from hanging the run.
STEP_TIMEOUT_MS = 10_000

#: The relative luminance contrast of a focus ring against the page, computed in the page.
CONTRAST_JS = """
el => {
  const parse = c => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => {
    const [r, g, b] = parse(c).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let target = el;
  if (el.matches("input[type=radio], input[type=checkbox]") && el.closest("label.option")) {
    target = el.closest("label.option");
  }
  const style = getComputedStyle(target);
  let bg = "rgb(255, 255, 255)";
  for (let p = target.parentElement; p; p = p.parentElement) {
    const c = getComputedStyle(p).backgroundColor;
    if (c && !c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") { bg = c; break; }
  }
  const a = lum(style.outlineColor), b = lum(bg);
  return {width: parseFloat(style.outlineWidth), style: style.outlineStyle,
          ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), tag: el.tagName};
}
"""


def _responses(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response)) or 0


def _answers(app: Flask) -> dict[int, str]:
    """The stored answers: question number -> option code."""
    with app.app_context():
        rows = db.session.execute(
            select(Question.number, ScaleOption.code)
            .join(Answer, Answer.question_id == Question.id)
            .join(ScaleOption, Answer.option_id == ScaleOption.id)
        ).all()
        return {number: code for number, code in rows}


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> Callable[..., Page]:
    """A page in a new phone context that fails fast instead of hanging."""

    def make(**options: Any) -> Page:
        page = new_context(**options).new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        return page

    return make


def _mode(page: Page, name: str) -> None:
    """Press a display button and wait for the page that comes back."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _open_in_mode(page: Page, live_server: str, slug: str, mode: str) -> None:
    """Open the form with the display modes ``mode`` (dot-separated; "" for the standard one)."""
    if mode:
        page.context.add_cookies([{"name": "display", "value": mode, "url": live_server}])
    page.goto(f"{live_server}/s/{slug}")


def _focus_lands_on(page: Page, name: str) -> None:
    """Wait for a followed link to put the focus on question ``name``'s first choice.

    The page's script moves the focus just after the browser has followed the link (a zero
    timeout), so the test waits for it instead of reading the focus at once.
    """
    try:
        page.wait_for_function(
            "name => document.activeElement && document.activeElement.name === name", arg=name, timeout=5000
        )
    except PlaywrightTimeout:  # report what has the focus instead
        focused = page.evaluate("[document.activeElement.tagName, document.activeElement.name]")
        pytest.fail(f"the focus did not reach {name}: {focused}")


def _no_sideways_scrolling(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


def test_large_text_mode_without_javascript_keeps_answers_and_is_remembered(
    context: Callable[..., Page], live_server: str, campaign: Campaign, app: Flask
) -> None:
    page = context(java_script_enabled=False)
    page.goto(f"{live_server}/s/{campaign.slug}")
    page.locator("#q1-group").get_by_text("满意", exact=True).click()
    page.locator("#q2-group").get_by_text("一般", exact=True).click()
    _mode(page, "大字")
    assert page.locator("html").get_attribute("class") == "mode-large"
    assert page.locator("#q1-group input[value=B]").is_checked()
    assert page.locator("#q2-group input[value=C]").is_checked()
    assert page.locator(".error-message").count() == 0 and _responses(app) == 0
    expect(page.get_by_role("button", name="大字")).to_have_attribute("aria-pressed", "true")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('p.hint, legend, label.option, .lead')].map(e => {
             const s = getComputedStyle(e);
             return [parseFloat(s.fontSize), parseFloat(s.lineHeight) / parseFloat(s.fontSize)];
           })"""
    )
    assert min(size for size, _ in sizes) >= LARGE_TEXT_PX
    assert min(ratio for _, ratio in sizes) >= MIN_LINE_HEIGHT
    targets = page.locator("label.option, button:visible, main a, .language a, .language span").evaluate_all(
        "els => els.filter(e => e.getAttribute('tabindex') !== '-1')"
        ".map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
    )
    assert len(targets) >= 50 + 5
    assert min(w for w, _ in targets) >= LARGE_TARGET_PX and min(h for _, h in targets) >= LARGE_TARGET_PX
    # Remembered on a new visit, and on the thank-you page after sending.
    page.goto(f"{live_server}/s/{campaign.slug}")
    assert page.locator("html").get_attribute("class") == "mode-large"
    for number in range(1, 11):
        page.locator(f"#q{number}-group").get_by_text("满意", exact=True).click()
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/thanks")
    assert page.locator("html").get_attribute("class") == "mode-large" and _responses(app) == 1
    with page.expect_navigation():
        page.get_by_role("button", name="标准显示").click()
    assert page.locator("html").get_attribute("class") is None
    assert page.url.endswith("/thanks")


def test_answer_the_whole_form_with_the_keyboard_alone(
    context: Callable[..., Page], live_server: str, campaign: Campaign, app: Flask
) -> None:
    page = context()
    page.goto(f"{live_server}/s/{campaign.slug}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到第一道未答的题"
    page.keyboard.press("Enter")
    _focus_lands_on(page, "q1")
    rings = []
    for number in range(1, 11):
        focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
        assert focused == [f"q{number}", "A"], focused
        rings.append(page.evaluate(f"({CONTRAST_JS})(document.activeElement)"))
        page.keyboard.press("Space")  # A
        for _ in range(number % 3):
            page.keyboard.press("ArrowDown")  # then B or C
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "提交"
    rings.append(page.evaluate(f"({CONTRAST_JS})(document.activeElement)"))
    for ring in rings:
        assert ring["style"] != "none" and ring["width"] >= 3 and ring["ratio"] >= 3, ring
    page.keyboard.press("Enter")
    page.wait_for_url("**/thanks")
    assert _responses(app) == 1
    assert _answers(app) == {n: "ABC"[n % 3] for n in range(1, 11)}


def test_skip_link_goes_to_the_first_unanswered_question(
    context: Callable[..., Page], live_server: str, campaign: Campaign
) -> None:
    page = context()
    page.goto(f"{live_server}/s/{campaign.slug}")
    for number in (1, 2, 4):
        page.locator(f"#q{number}-group").get_by_text("满意", exact=True).click()
    skip = page.locator("[data-skip-unanswered]")
    assert skip.get_attribute("href") == "#q3-group"
    skip.focus()
    page.keyboard.press("Enter")
    _focus_lands_on(page, "q3")


def test_enter_in_a_field_sends_the_answers_not_a_display_choice(
    context: Callable[..., Page], live_server: str, campaign: Campaign
) -> None:
    page = context()
    page.goto(f"{live_server}/s/{campaign.slug}")
    page.locator("#q1-group input[value=A]").focus()
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()  # nine questions missing: the errors
    assert page.locator("html").get_attribute("class") is None


def test_screen_reader_hears_section_question_letter_words_and_state(
    context: Callable[..., Page], live_server: str, campaign: Campaign
) -> None:
    page = context()
    page.goto(f"{live_server}/s/{campaign.slug}")
    page.locator("#q1-group").get_by_text("满意", exact=True).click()
    tree = page.locator("#q1-group").aria_snapshot()
    lines = [line.strip() for line in tree.splitlines()]
    assert lines[0] == '- group "1. 您对该项目2022年工作的总体评价是：":'
    radios = [line for line in lines if line.startswith("- radio")]
    assert radios == [
        '- radio "A 非常满意"',
        '- radio "B 满意" [checked]',
        '- radio "C 一般"',
        '- radio "D 不满意"',
        '- radio "E 很不满意"',
    ]
    # The display control is a named group of toggle buttons, before the questions.
    control = page.get_by_role("group", name="显示方式")
    expect(control.get_by_role("button", name="高对比度")).to_have_attribute("aria-pressed", "false")
    whole = page.locator("main").aria_snapshot()
    assert whole.index('group "显示方式"') < whole.index('group "1. ') < whole.index('group "10. ')
    assert whole.index('button "提交"') > whole.index('group "10. ')


def test_errors_are_announced_and_focused(
    context: Callable[..., Page], live_server: str, campaign: Campaign
) -> None:
    page = context()
    page.goto(f"{live_server}/s/{campaign.slug}")
    for number in range(1, 10):
        page.locator(f"#q{number}-group").get_by_text("满意", exact=True).click()
    page.get_by_role("button", name="提交").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_focused()
    expect(alert).to_have_accessible_name("请回答以下问题")
    expect(alert.get_by_role("link")).to_have_text(re.compile("第 10 题"))
    question = page.get_by_role("group", name=re.compile(r"^10\. "))
    expect(question).to_have_accessible_description(re.compile("^错误：.*选择一个答案"))


@pytest.mark.parametrize("mode", ["", "large", "contrast", "large.contrast"])
@pytest.mark.parametrize("width", [160, 80])
def test_reflows_at_200_and_400_percent_zoom_on_a_320_px_phone(
    context: Callable[..., Page], live_server: str, campaign: Campaign, mode: str, width: int
) -> None:
    # Zoom divides the CSS pixels of the window: a 320 px screen at 200 % lays the page out in
    # 160 CSS px, at 400 % in 80 (a device scale factor would only sharpen, never reflow).
    page = context(viewport={"width": width, "height": 480}, device_scale_factor=1)
    _open_in_mode(page, live_server, campaign.slug, mode)
    assert page.evaluate("window.innerWidth") == width
    _no_sideways_scrolling(page)
    page.get_by_role("button", name="提交").click()
    page.get_by_role("alert").wait_for()
    _no_sideways_scrolling(page)


def test_forced_colours_keep_the_choice_and_the_focus_visible(
    context: Callable[..., Page], live_server: str, campaign: Campaign
) -> None:
    page = context(forced_colors="active")
    page.goto(f"{live_server}/s/{campaign.slug}")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    page.locator("#q1-group").get_by_text("满意", exact=True).click()
    chosen = page.locator("#q1-group label.option").nth(1)
    assert chosen.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    assert chosen.evaluate("e => parseFloat(getComputedStyle(e).outlineWidth)") >= 3
    page.locator("#q2-group input[value=A]").focus()
    page.keyboard.press("Space")
    focused = page.locator("#q2-group label.option").first
    assert focused.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    _no_sideways_scrolling(page)
    assert (found := axe_violations(page)) == [], describe(found)


def test_one_question_per_screen_sends_the_same_form(
    context: Callable[..., Page], live_server: str, campaign: Campaign, app: Flask
) -> None:
    page = context()
    page.goto(f"{live_server}/s/{campaign.slug}")
    page.locator("#q1-group").get_by_text("一般", exact=True).click()
    _mode(page, "逐题显示")
    progress = page.locator("#step-progress")
    expect(progress).to_have_text("第 1 题，共 10 题")
    assert page.locator("fieldset[data-name]:visible").count() == 1
    assert page.locator("#q1-group input[value=C]").is_checked()
    expect(page.get_by_role("button", name="提交")).to_be_hidden()
    expect(page.get_by_role("button", name="上一题")).to_be_hidden()
    for number in range(2, 11):
        page.get_by_role("button", name="下一题").click()
        expect(progress).to_have_text(f"第 {number} 题，共 10 题")
        visible = page.locator("fieldset[data-name]:visible")
        assert visible.count() == 1 and visible.get_attribute("id") == f"q{number}-group"
        assert page.evaluate("document.activeElement.name") == f"q{number}"
        visible.get_by_text("满意", exact=True).click()
    expect(page.get_by_role("button", name="下一题")).to_be_hidden()
    page.get_by_role("button", name="上一题").click()
    expect(progress).to_have_text("第 9 题，共 10 题")
    page.get_by_role("button", name="下一题").click()
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/thanks")
    assert _responses(app) == 1
    assert _answers(app) == {1: "C", **{n: "B" for n in range(2, 11)}}


def test_one_question_per_screen_opens_at_the_first_error(
    context: Callable[..., Page], live_server: str, campaign: Campaign
) -> None:
    page = context()
    page.goto(f"{live_server}/s/{campaign.slug}")
    _mode(page, "逐题显示")
    for number in range(1, 4):
        page.locator(f"#q{number}-group").get_by_text("满意", exact=True).click()
        page.get_by_role("button", name="下一题").click()
    page.keyboard.press("Enter")  # Enter sends the form from any screen
    page.get_by_role("alert").wait_for()
    expect(page.locator("#step-progress")).to_have_text("第 4 题，共 10 题")
    assert page.locator("#q3-group input[value=B]").is_checked()


FAKE_SPEECH = """
window.__spoken = [];
const voices = %s;
const fake = {
  speaking: false,
  getVoices: () => voices,
  speak: u => { window.__spoken.push([u.text, u.lang, u.voice && u.voice.lang]); },
  cancel: () => { window.__spoken.push(["cancel"]); },
  addEventListener: () => {},
};
Object.defineProperty(window, "speechSynthesis", { value: fake, configurable: true });
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; this.voice = null; };
"""


def test_read_aloud_speaks_the_question_and_its_options_in_mandarin(
    context: Callable[..., Page], live_server: str, campaign: Campaign
) -> None:
    page = context()
    voices = '[{"lang": "en-US", "name": "en"}, {"lang": "zh-CN", "name": "Tingting"}]'
    page.add_init_script(FAKE_SPEECH % voices)
    page.goto(f"{live_server}/s/{campaign.slug}")
    page.locator("#q1-group").get_by_text("满意", exact=True).click()
    buttons = page.get_by_role("button", name="朗读本题", exact=True)
    expect(buttons).to_have_count(10)
    buttons.first.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == ["cancel"]
    assert spoken[1] == [
        "1. 您对该项目2022年工作的总体评价是：。 A 非常满意。 B 满意，已选。 C 一般。 D 不满意。 E 很不满意",
        "zh-CN",
        "zh-CN",
    ]
    page.get_by_role("button", name="朗读全页").click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 2 + 1 + 11  # the title, then the ten questions
    assert spoken[3][0].startswith("昆明市残联") and spoken[4][0].startswith("1. ")
    assert (found := axe_violations(page)) == [], describe(found)


def test_without_a_chinese_voice_there_is_no_read_aloud_button(
    context: Callable[..., Page], live_server: str, campaign: Campaign, app: Flask
) -> None:
    page = context()
    page.add_init_script(FAKE_SPEECH % '[{"lang": "en-US", "name": "en"}]')
    page.goto(f"{live_server}/s/{campaign.slug}")
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="朗读全页")).to_have_count(0)
    assert page.get_by_role("button", name="朗读本题", exact=True).count() == 0
    for number in range(1, 11):
        page.locator(f"#q{number}-group").get_by_text("满意", exact=True).click()
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/thanks")
    assert _responses(app) == 1


MODES = ["", "large", "contrast", "faces", "steps", "large.contrast.faces.steps"]


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_passes_axe_on_form_error_thanks_closed_and_missing_pages(
    context: Callable[..., Page], live_server: str, campaign: Campaign, app: Flask, mode: str
) -> None:
    page = context()
    _open_in_mode(page, live_server, campaign.slug, mode)
    assert (page.locator("html").get_attribute("class") or "") == " ".join(
        f"mode-{m}" for m in mode.split(".") if m
    )
    assert (found := axe_violations(page)) == [], describe(found)
    page.locator("#answers").evaluate("f => f.requestSubmit()")
    page.get_by_role("alert").wait_for()
    assert (found := axe_violations(page)) == [], describe(found)
    page.locator("#answers").evaluate(
        "f => { f.querySelectorAll('input[value=A]').forEach(i => { i.checked = true; });"
        " f.requestSubmit(); }"
    )
    page.wait_for_url("**/thanks")
    assert (found := axe_violations(page)) == [], describe(found)
    with app.app_context():
        stored = db.session.get(Campaign, campaign.id)
        assert stored is not None
        stored.close()
        db.session.commit()
    page.goto(f"{live_server}/s/{campaign.slug}")
    expect(page.get_by_role("heading", name="本调查已结束")).to_be_visible()
    assert (found := axe_violations(page)) == [], describe(found)
    page.goto(f"{live_server}/s/nosuchpage")
    assert (found := axe_violations(page)) == [], describe(found)


@pytest.fixture
def weighed(context: Callable[..., Page], live_server: str) -> Iterator[Callable[[Page, str], int]]:
    """Load a page and return the compressed bytes of it and everything it loads."""

    def weigh(page: Page, url: str) -> int:
        loaded: list[tuple[str, int]] = []
        page.on(
            "requestfinished",
            lambda r: loaded.append(
                (r.url, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"])
            ),
        )
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert all(u.startswith(live_server) or u.startswith("data:") for u, _ in loaded), loaded
        return sum(size for _, size in loaded)

    yield weigh


@pytest.mark.parametrize("mode", MODES)
def test_form_and_everything_it_loads_stay_under_10_kb_compressed(
    context: Callable[..., Page],
    live_server: str,
    campaign: Campaign,
    weighed: Callable[[Page, str], int],
    mode: str,
) -> None:
    page = context()
    if mode:
        page.context.add_cookies([{"name": "display", "value": mode, "url": live_server}])
    total = weighed(page, f"{live_server}/s/{campaign.slug}")
    print(f"\nform page, mode {mode or 'standard'}: {total} bytes on the wire")
    assert 0 < total <= PAGE_BUDGET_COMPRESSED
    # Nothing blocks the first paint: no external style sheet, scripts deferred.
    assert page.locator("link[rel=stylesheet]").count() == 0
    assert page.locator("script:not([defer])").count() == 0


@pytest.fixture
def profile_survey(app: Flask, questionnaire: Any) -> Campaign:
    """The bundled survey with sections, skip logic and open questions."""
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.questionnaires.services import find_version

    with app.app_context():
        version = find_version("kunming-2022-pension-survey")
        assert version is not None
        made = create_campaign(version, "profile survey")
        db.session.commit()
        db.session.refresh(made)
        db.session.expunge(made)
        return made


def test_sections_are_named_regions_read_before_their_questions(
    context: Callable[..., Page], live_server: str, profile_survey: Campaign
) -> None:
    page = context()
    page.goto(f"{live_server}/s/{profile_survey.slug}")
    tree = page.locator("#answers").aria_snapshot()
    regions = re.findall(r'- region "([^"]+)"', tree)
    headings = page.locator("section.group > h2").all_inner_texts()
    assert regions == headings and len(regions) >= 2
    first, second = (tree.index(f'region "{name}"') for name in regions[:2])
    assert first < tree.index('group "1. ') < second


@pytest.mark.parametrize("mode", ["", "steps", "large.contrast.faces.steps"])
def test_survey_with_skip_logic_stays_under_the_budget_and_passes_axe(
    context: Callable[..., Page],
    live_server: str,
    profile_survey: Campaign,
    weighed: Callable[[Page, str], int],
    mode: str,
) -> None:
    page = context()
    if mode:
        page.context.add_cookies([{"name": "display", "value": mode, "url": live_server}])
    total = weighed(page, f"{live_server}/s/{profile_survey.slug}")
    print(f"\nsurvey with skip logic, mode {mode or 'standard'}: {total} bytes on the wire")
    assert page.locator("script[defer]").count() == 2
    # Eighteen questions with sections, open questions and skip logic: the page budget applies.
    assert 0 < total <= PAGE_BUDGET_ANY_FORM
    assert (found := axe_violations(page)) == [], describe(found)


def test_one_question_per_screen_with_the_keyboard_alone(
    context: Callable[..., Page], live_server: str, campaign: Campaign, app: Flask
) -> None:
    page = context()
    page.context.add_cookies([{"name": "display", "value": "steps.large", "url": live_server}])
    page.goto(f"{live_server}/s/{campaign.slug}")
    page.locator("[data-skip-unanswered]").focus()
    page.keyboard.press("Enter")
    _focus_lands_on(page, "q1")
    for number in range(1, 11):
        assert page.evaluate("document.activeElement.name") == f"q{number}"
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")  # B
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.textContent")
        if number < 10:
            assert label == ("上一题" if number > 1 else "下一题")
            if number > 1:
                page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "下一题"
        else:
            if label == "上一题":
                page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "提交"
        page.keyboard.press("Enter")
    page.wait_for_url("**/thanks")
    assert _answers(app) == {n: "B" for n in range(1, 11)}


#: Every text's contrast against the nearest background painted behind it, computed in the page.
TEXT_CONTRAST_JS = """
() => {
  const parse = c => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => {
    const [r, g, b] = parse(c).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const behind = el => {
    for (let p = el; p; p = p.parentElement) {
      const c = getComputedStyle(p).backgroundColor;
      if (c && !c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") return c;
    }
    return "rgb(255, 255, 255)";
  };
  return [...document.querySelectorAll("a, button, label, h1, h2, p, span, legend, li")]
    .filter(el => el.offsetParent !== null && el.textContent.trim())
    .map(el => {
      const a = lum(getComputedStyle(el).color), b = lum(behind(el));
      return [el.textContent.trim().slice(0, 30), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
    });
}
"""


@pytest.mark.parametrize("mode", ["", "large", "contrast", "large.contrast"])
def test_every_text_on_the_form_reads_at_4_5_to_1_or_more(
    context: Callable[..., Page], live_server: str, campaign: Campaign, mode: str
) -> None:
    page = context()
    _open_in_mode(page, live_server, campaign.slug, mode)
    texts = page.evaluate(TEXT_CONTRAST_JS)
    assert any(text == "English" for text, _ in texts)  # the language switch is among them
    faint = [(text, round(ratio, 2)) for text, ratio in texts if ratio < 4.5]
    assert faint == [], faint


FOCUSED_JS = """() => {
  const e = document.activeElement;
  const text = e.textContent.trim().slice(0, 20);
  return [e.tagName.toLowerCase(), e.type || "", e.name || "", e.value || "", text];
}"""


def test_every_question_type_is_answered_with_the_keyboard_alone(
    context: Callable[..., Page], live_server: str, profile_survey: Campaign, app: Flask
) -> None:
    """Profile choices, text boxes, the rated items, the follow-up's checkboxes with "other" and its
    text, and the open question: Tab, the arrow keys, Space, typing and Enter, nothing else."""
    page = context()
    page.goto(f"{live_server}/s/{profile_survey.slug}")
    typed = {"q4": "五华区", "q5": "龙泉街道", "q17_other": "路太远", "q18": "希望简化手续"}
    answered: set[str] = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        tag, kind, name, value, text = page.evaluate(FOCUSED_JS)
        if kind == "radio" and name not in answered:
            page.keyboard.press("Space")  # the first option
            if name == "q7":
                for _ in range(3):
                    page.keyboard.press("ArrowDown")  # 不满意 (D): the follow-up is now asked
            answered.add(name)
        elif kind == "checkbox" and value in ("slow", "other"):
            page.keyboard.press("Space")
        elif name in typed and name not in answered:
            page.keyboard.type(typed[name])
            answered.add(name)
        elif tag == "button" and text == "提交":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    else:
        pytest.fail(f"never reached the submit button; answered {sorted(answered)}")
    page.wait_for_url("**/thanks")
    with app.app_context():
        answers = {
            a.question_id: a
            for a in db.session.scalars(select(Answer).where(Answer.campaign_id == profile_survey.id))
        }
        by_number = {q.number: q.id for q in db.session.scalars(select(Question)) if q.number}
        codes = {o.id: o.code for o in db.session.scalars(select(ScaleOption))}
        chosen = answers[by_number[17]]
        assert sorted(codes[c.option_id] for c in chosen.choices) == ["slow"]
        assert chosen.value_text == "路太远"
        assert codes[answers[by_number[7]].option_id] == "D"
        assert codes[answers[by_number[1]].option_id] == "self"
        assert (
            answers[by_number[4]].value_text == "五华区"
            and answers[by_number[18]].value_text == "希望简化手续"
        )
        assert all(codes[answers[by_number[n]].option_id] == "A" for n in range(8, 17))


#: Each question: [name, whether its content is laid out and painted (not skipped)].
QUESTION_STATE_JS = """() => Array.from(document.querySelectorAll("fieldset.question")).map(q => [
  q.dataset.name, q.querySelector("legend").checkVisibility({contentVisibilityAuto: true})
])"""


@pytest.mark.parametrize("mode", MODES)
def test_first_paint_renders_the_questions_on_screen_not_the_whole_form(
    context: Callable[..., Page], live_server: str, campaign: Campaign, mode: str
) -> None:
    """A question far below the screen is skipped (its place kept) until it comes near, then shown.

    Laying out and painting every question delayed the first paint on a slow phone; the skipped
    ones stay in the page, so the keyboard, the links to them and the form still reach them.
    """
    page = context(java_script_enabled="steps" not in mode)
    _open_in_mode(page, live_server, campaign.slug, mode)
    page.wait_for_timeout(100)  # the first frames: which questions are near the screen
    states = page.evaluate(QUESTION_STATE_JS)
    assert states[0][1], "the first question is not shown"
    assert not states[-1][1], "the last question was laid out with the first paint"
    last = page.locator("fieldset.question").last
    last.scroll_into_view_if_needed()
    expect(last.locator("label.option").first).to_be_visible()
    page.wait_for_function("() => " + QUESTION_STATE_JS + "().pop()[1]")
    # The last question is answered with the keyboard like any other.
    last.locator("input").first.focus()
    page.keyboard.press("ArrowDown")
    assert last.locator("input:checked").count() == 1


#: For each option: the least room, in px, left between its edge and the edge its question clips
#: at (the question's padding box). Every question laid out first, as it is once on screen.
HALO_ROOM_JS = """() => Array.from(document.querySelectorAll("fieldset.question")).flatMap(q => {
  q.style.contentVisibility = "visible";
  const r = q.getBoundingClientRect(), s = getComputedStyle(q);
  const box = {left: r.left + parseFloat(s.borderLeftWidth), right: r.right - parseFloat(s.borderRightWidth),
               top: r.top + parseFloat(s.borderTopWidth), bottom: r.bottom - parseFloat(s.borderBottomWidth)};
  return Array.from(q.querySelectorAll("label.option")).map(o => {
    const e = o.getBoundingClientRect();
    const room = [e.left - box.left, box.right - e.right, e.top - box.top, box.bottom - e.bottom];
    return [o.htmlFor, Math.min(...room)];
  });
})"""
#: The focus halo reaches this far outside an option (an 8 px ring of colour).
HALO_PX = 8


@pytest.mark.parametrize("mode", ["", "large", "contrast"])
def test_every_option_has_room_for_its_focus_halo_inside_its_question(
    context: Callable[..., Page], live_server: str, campaign: Campaign, mode: str
) -> None:
    """A question clips what overflows it (it is skipped while off screen): its box leaves room."""
    page = context()
    _open_in_mode(page, live_server, campaign.slug, mode)
    for errors in (False, True):
        if errors:
            page.get_by_role("button", name="提交").click()
            page.get_by_role("alert").wait_for()
        cramped = [(name, room) for name, room in page.evaluate(HALO_ROOM_JS) if room < HALO_PX]
        assert cramped == [], (errors, cramped)
    _no_sideways_scrolling(page)


#: The distinct font sizes and weights of the text on the page, as drawn.
FONTS_JS = """() => {
  const used = new Set();
  for (const el of document.querySelectorAll("body *")) {
    const text = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!text || !el.checkVisibility()) { continue; }
    const s = getComputedStyle(el);
    used.add(s.fontSize + " " + s.fontWeight);
  }
  return Array.from(used).sort();
}"""
#: Each size or weight of a font costs the first paint a look-up; the form needs five.
MAX_FONT_SIZES = 5


@pytest.mark.parametrize("mode", MODES)
def test_the_form_draws_its_text_in_five_sizes_and_weights_at_most(
    context: Callable[..., Page], live_server: str, campaign: Campaign, mode: str
) -> None:
    page = context()
    _open_in_mode(page, live_server, campaign.slug, mode)
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")  # every question drawn
    used = page.evaluate(FONTS_JS)
    assert len(used) <= MAX_FONT_SIZES, used
    # The hidden submit button (Enter sends the answers) uses the page's font, not the system's.
    hidden_button = page.locator("button.visually-hidden").evaluate("e => getComputedStyle(e).fontSize")
    assert hidden_button == page.evaluate("getComputedStyle(document.body).fontSize")
