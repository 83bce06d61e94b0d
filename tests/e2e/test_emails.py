"""The confirmation email as a phone shows it: one column, nothing sideways, and
readable in dark mode. Leaves artifacts/screenshots/email-confirmation-390.png (and
-dark-390.png) for people to look at."""

import pytest
from django.core import mail

from .browser import PHONE, assert_no_horizontal_scroll, png_size, save_screenshot


def confirmation_html() -> str:
    (message,) = [m for m in mail.outbox if "booked" in m.subject]
    assert isinstance(message, mail.EmailMultiAlternatives)
    ((html, _),) = message.alternatives
    assert isinstance(html, str)
    return html


def colours(page, selector: str) -> tuple[str, str]:
    found = page.locator(selector).first.evaluate(
        "(el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
    )
    return found[0], found[1]


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_the_confirmation_email_fits_a_phone_in_light_and_dark(page, book):
    book()
    page.set_content(confirmation_html())
    assert_no_horizontal_scroll(page)
    assert colours(page, ".content") == ("rgb(255, 255, 255)", "rgb(31, 42, 48)")
    button = page.get_by_role("link", name="Manage your booking")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb can hit it
    path = save_screenshot(page, "email-confirmation")
    assert path.name == "email-confirmation-390.png" and png_size(path)[0] == 390

    page.emulate_media(color_scheme="dark")
    assert colours(page, ".content") == ("rgb(31, 39, 44)", "rgb(238, 242, 244)")
    assert colours(page, ".footer") == ("rgb(20, 25, 28)", "rgb(221, 227, 231)")
    assert colours(page, "a.button")[1] == "rgb(255, 255, 255)"
    save_screenshot(page, "email-confirmation-dark")
