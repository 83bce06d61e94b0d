from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import ReliefMechanism, Technique
from tests.factories import TechniqueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    ["catalog:home", "catalog:technique_list", "catalog:how_massage_helps"],
)
def test_public_pages_render_with_landmarks_and_a_skip_link(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<h1" in html
    assert 'aria-label="Main"' in html


def test_home_page_lists_every_active_technique_and_leads_to_the_finder(client):
    html = client.get(reverse("catalog:home")).content.decode()
    for name in Technique.objects.values_list("name", flat=True):
        assert name in html
    assert "Find the right massage" in html


def test_technique_list_shows_indications_and_prices(client):
    technique = TechniqueFactory(
        indications="For a back that aches after a long drive.", lengths=[50]
    )
    technique.lengths.update(price=Decimal("57.50"))

    html = client.get(reverse("catalog:technique_list")).content.decode()

    assert technique.indications in html
    assert "50 minutes: £57.50" in html


def test_technique_detail_shows_every_section(client):
    technique = Technique.objects.get(slug="trigger-point")
    response = client.get(technique.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in (technique.name, technique.method, technique.what_to_expect):
        assert text in html
    assert "When it is not advised" in html
    assert "45 minutes" in html


def test_how_massage_helps_page_lists_the_six_mechanisms(client):
    html = client.get(reverse("catalog:how_massage_helps")).content.decode()
    for mechanism in ReliefMechanism.objects.all():
        assert mechanism.title in html
        assert mechanism.what_it_does in html


def test_an_inactive_technique_is_hidden_and_its_page_is_404(client):
    technique = Technique.objects.get(slug="lymphatic-drainage")
    technique.is_active = False
    technique.save()
    assert client.get(technique.get_absolute_url()).status_code == 404
    assert technique.name not in client.get(reverse("catalog:technique_list")).content.decode()
    assert technique.name not in client.get(reverse("catalog:home")).content.decode()


def test_an_unknown_technique_is_404(client):
    response = client.get(reverse("catalog:technique_detail", args=["no-such-massage"]))
    assert response.status_code == 404


def test_catalog_pages_use_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(reverse("catalog:technique_list"))
