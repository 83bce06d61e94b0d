import pytest
from django.urls import reverse

from catalog.models import Technique

pytestmark = pytest.mark.django_db


def test_list_editable_inputs_are_named_after_their_column_and_row(client, superuser):
    client.force_login(superuser)

    html = client.get("/admin/catalog/technique/").content.decode()

    assert 'aria-label="Display order: Swedish Massage"' in html
    assert 'aria-label="Offered: Swedish Massage"' in html


def test_tabular_inline_inputs_are_named_after_their_column_and_row(client, superuser):
    client.force_login(superuser)

    swedish = Technique.objects.get(slug="swedish")

    html = client.get(reverse("admin:catalog_technique_change", args=[swedish.pk])).content.decode()

    assert 'aria-label="Price (£), row 1"' in html
    assert 'aria-label="Delete, row 1"' in html
    assert 'aria-label="Minutes, new row"' in html
