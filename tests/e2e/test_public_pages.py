from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from catalog.models import Technique

from .browser import (
    PHONE,
    BrowserLog,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    assert_styled,
    both_widths,
    expect,
    let_page_events_arrive,
    png_size,
    save_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

TECHNIQUE_SLUGS = [
    "deep-tissue",
    "swedish",
    "trigger-point",
    "myofascial-release",
    "lymphatic-drainage",
]
PUBLIC_PAGES = [
    ("home", "/", 200),
    ("techniques", "/techniques/", 200),
    *((f"technique-{slug}", f"/techniques/{slug}/", 200) for slug in TECHNIQUE_SLUGS),
    ("how-massage-helps", "/how-massage-helps/", 200),
    ("not-found", "/no-such-page/", 404),
]
each_public_page = pytest.mark.parametrize(
    ("name", "path", "status"), PUBLIC_PAGES, ids=[name for name, _, _ in PUBLIC_PAGES]
)


def open_page(page: Page, browser_log: BrowserLog, path: str, status: int) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == status
    if status != 200:
        browser_log.expect_status(response.url, status)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_every_offered_technique_has_its_page_checked():
    assert set(Technique.objects.active().values_list("slug", flat=True)) == set(TECHNIQUE_SLUGS)


@both_widths
@each_public_page
def test_public_page_is_styled_fits_the_screen_and_runs_clean(
    page, browser_log, viewport, name, path, status
):
    open_page(page, browser_log, path, status)

    screenshot = save_screenshot(page, name)

    assert png_size(screenshot)[0] == viewport.width
    assert_no_horizontal_scroll(page)
    assert_styled(page)
    assert_no_browser_problems(browser_log)


@both_widths
@each_public_page
def test_public_page_has_no_serious_accessibility_problem(page, browser_log, name, path, status):
    open_page(page, browser_log, path, status)

    assert_accessible(page)


@pytest.mark.parametrize("viewport", [PHONE])
def test_the_width_check_notices_a_page_wider_than_a_phone(page):
    page.goto("/")
    page.evaluate(
        "() => { const wide = document.createElement('div');"
        " wide.style.width = '600px'; wide.style.height = '1px';"
        " document.querySelector('main').append(wide); }"
    )

    with pytest.raises(AssertionError, match=r"scrolls sideways: 6\d\dpx"):
        assert_no_horizontal_scroll(page)


def test_the_browser_log_notices_an_inline_script_refused_by_the_csp(page, browser_log):
    page.goto("/")
    page.evaluate(
        "() => { const inline = document.createElement('script');"
        " inline.textContent = 'window.ran = true'; document.body.append(inline); }"
    )

    let_page_events_arrive(page)

    with pytest.raises(AssertionError, match="CSP violation: script-src-elem refused inline"):
        assert_no_browser_problems(browser_log)
    assert page.evaluate("() => window.ran") is None
    browser_log.csp_violations.clear()
    browser_log.console_errors.clear()


def test_the_accessibility_check_names_the_rule_and_the_element(page):
    page.goto("/")
    page.evaluate(
        "() => { const image = document.createElement('img');"
        " image.src = '/static/no-such-image.png'; image.id = 'unlabelled';"
        " document.querySelector('main').append(image); }"
    )

    with pytest.raises(AssertionError, match=r"image-alt \(critical\)(.|\n)*#unlabelled"):
        assert_accessible(page)
