from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.cache import cached_page
from catalog.models import ReliefMechanism, Technique
from tests.catalog.test_admin import technique_change_data

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("catalog:home"),
    reverse("catalog:technique_list"),
    reverse("catalog:technique_detail", args=["swedish"]),
    reverse("catalog:how_massage_helps"),
]


class BrokenCache(BaseCache):
    """A cache whose server is gone: every call raises, as redis-py does."""

    def __init__(self, host: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache server unreachable")

    get = set = add = delete = get_many = set_many = incr = touch = _fail

    def clear(self) -> None:
        # The suite's own clean-up clears the cache after each test, before settings return.
        pass


@pytest.fixture
def editor_client(content_editor) -> Client:
    editor = Client()
    editor.force_login(content_editor)
    return editor


@pytest.fixture
def saves(django_capture_on_commit_callbacks):
    """Run what the admin does after its transaction commits, as in production."""
    return django_capture_on_commit_callbacks(execute=True)


@pytest.mark.parametrize("url", PAGES)
def test_a_page_already_rendered_takes_no_query(client, url, django_assert_num_queries):
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content


@pytest.mark.parametrize("url", PAGES)
def test_the_first_render_takes_as_many_queries_as_without_a_cache(client, settings, url):
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with CaptureQueriesContext(connection) as uncached:
        client.get(url)
    assert len(cached) == len(uncached)


def test_an_editors_technique_save_shows_on_the_next_request(client, editor_client, saves):
    technique = Technique.objects.get(slug="swedish")
    for url in PAGES:
        client.get(url)
    change = reverse("admin:catalog_technique_change", args=[technique.pk])
    with saves:
        data = technique_change_data(technique) | {"summary": "A new, clearer summary."}
        assert editor_client.post(change, data).status_code == 302

    for url in PAGES[:3]:
        assert "A new, clearer summary." in client.get(url).content.decode()


def test_an_editors_price_change_in_the_inline_shows_on_the_next_request(
    client, editor_client, saves
):
    technique = Technique.objects.get(slug="swedish")
    length = technique.lengths.get(minutes=60)
    detail = technique.get_absolute_url()
    list_url = reverse("catalog:technique_list")
    assert "60 minutes: £123.45" not in client.get(detail).content.decode()
    client.get(list_url)

    change = reverse("admin:catalog_technique_change", args=[technique.pk])
    data = technique_change_data(technique)
    row = next(i for i, row in enumerate(technique.lengths.all()) if row.pk == length.pk)
    with saves:
        data[f"lengths-{row}-price"] = "123.45"
        assert editor_client.post(change, data).status_code == 302

    assert technique.lengths.get(pk=length.pk).price == Decimal("123.45")
    assert "60 minutes: £123.45" in client.get(detail).content.decode()
    assert "60 minutes: £123.45" in client.get(list_url).content.decode()


def test_an_editors_mechanism_save_shows_on_the_next_request(client, editor_client, saves):
    mechanism = ReliefMechanism.objects.order_by("display_order").first()
    assert mechanism is not None
    url = reverse("catalog:how_massage_helps")
    client.get(url)

    change = reverse("admin:catalog_reliefmechanism_change", args=[mechanism.pk])
    data = {
        "title": "Calmer nerves, newly explained",
        "slug": mechanism.slug,
        "how_it_works": mechanism.how_it_works,
        "what_it_does": mechanism.what_it_does,
        "display_order": mechanism.display_order,
    }
    with saves:
        response = editor_client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    assert "Calmer nerves, newly explained" in client.get(url).content.decode()


def test_a_mechanism_reordered_in_the_admin_list_shows_on_the_next_request(
    client, editor_client, saves
):
    mechanisms = list(ReliefMechanism.objects.order_by("display_order"))
    url = reverse("catalog:how_massage_helps")
    first, last = mechanisms[0], mechanisms[-1]
    html = client.get(url).content.decode()
    assert html.index(first.title) < html.index(last.title)

    data: dict[str, object] = {
        "form-TOTAL_FORMS": len(mechanisms),
        "form-INITIAL_FORMS": len(mechanisms),
        "_save": "Save",
    }
    for i, mechanism in enumerate(mechanisms):
        order = last.display_order + 1 if mechanism == first else mechanism.display_order
        data |= {f"form-{i}-id": mechanism.pk, f"form-{i}-display_order": order}
    with saves:
        response = editor_client.post(reverse("admin:catalog_reliefmechanism_changelist"), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    html = client.get(url).content.decode()
    assert html.index(first.title) > html.index(last.title)


def test_a_technique_made_inactive_in_admin_is_404_on_the_next_request(
    client, editor_client, saves
):
    technique = Technique.objects.get(slug="swedish")
    url = technique.get_absolute_url()
    assert client.get(url).status_code == 200
    client.get(reverse("catalog:home"))

    data = technique_change_data(technique)
    del data["is_active"]
    with saves:
        change = reverse("admin:catalog_technique_change", args=[technique.pk])
        assert editor_client.post(change, data).status_code == 302

    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert technique.name not in client.get(reverse("catalog:home")).content.decode()


def test_an_inactive_technique_is_404_and_its_404_is_not_kept(client):
    Technique.objects.filter(slug="swedish").update(is_active=False)
    url = reverse("catalog:technique_detail", args=["swedish"])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404


def with_a_flash_message(client: Client, text: str) -> Client:
    """The cookie a view that called `messages.success()` leaves behind."""
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    return client


@pytest.mark.parametrize("url", PAGES)
def test_a_flash_message_is_shown_to_its_visitor_only(client, url):
    other_visitor = Client()
    with_a_flash_message(client, "Your booking is cancelled.")

    assert "Your booking is cancelled." in client.get(url).content.decode()
    assert "Your booking is cancelled." not in other_visitor.get(url).content.decode()
    with_a_flash_message(client, "Your booking is moved.")
    assert "Your booking is moved." in client.get(url).content.decode()
    assert "Your booking is cancelled." not in client.get(url).content.decode()


def used_a_csp_nonce(request: HttpRequest) -> str:
    # What reading `request.csp_nonce` leaves behind in django-csp's middleware.
    request._csp_nonce = "n0nce"  # type: ignore[attr-defined]  # set by django-csp, not typed
    return "n0nce"


def renders_counted(make: Any) -> tuple[list[int], Any]:
    calls: list[int] = []

    def render(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return make(request)

    return calls, render


@pytest.mark.parametrize(
    "per_visitor",
    [
        lambda request: HttpResponse(f"<form>{get_token(request)}</form>"),
        lambda request: HttpResponse(f"<script nonce='{used_a_csp_nonce(request)}'>"),
    ],
    ids=["csrf-token", "csp-nonce"],
)
def test_a_page_that_used_a_csrf_token_or_csp_nonce_is_never_kept(per_visitor):
    calls, render = renders_counted(per_visitor)
    for _ in range(2):
        request = RequestFactory().get("/")
        cached_page(request, "a-page-with-a-form", partial(render, request))
    assert len(calls) == 2


def test_a_visitor_free_page_is_kept(db):
    calls, render = renders_counted(lambda request: HttpResponse("<p>The same for all</p>"))
    for _ in range(2):
        request = RequestFactory().get("/")
        page = cached_page(request, "a-plain-page", partial(render, request))
        assert page.content == b"<p>The same for all</p>"
    assert len(calls) == 1


def test_pages_still_render_when_the_cache_fails(client, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "tests.catalog.test_cache.BrokenCache"}}
    for url in PAGES:
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200
    assert [r.getMessage() for r in caplog.records if "cache failed" in r.getMessage()]
    assert all(r.name == "catalog.cache" for r in caplog.records if "Catalog" in r.getMessage())
