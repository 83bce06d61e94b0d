import pytest
from django.urls import reverse, set_script_prefix

from clinic.context_processors import MENU, menu

pytestmark = pytest.mark.django_db


def test_the_menu_links_to_every_page_it_names(client):
    html = client.get(reverse("bookings:intake")).content.decode()
    for url_name in MENU.values():
        assert f'href="{reverse(url_name)}"' in html


def test_the_menu_follows_the_prefix_the_site_is_served_under():
    try:
        set_script_prefix("/clinic/")
        under_a_prefix = menu()["menu"]
    finally:
        set_script_prefix("/")
    assert under_a_prefix["techniques"] == "/clinic/techniques/"
    # And back: a site served at the root links to the root.
    assert menu()["menu"]["techniques"] == "/techniques/"


def test_the_current_page_is_marked_in_the_menu(client):
    html = client.get(reverse("bookings:intake")).content.decode()
    assert f'href="{reverse("bookings:intake")}" aria-current="page"' in html
