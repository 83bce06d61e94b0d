import pytest

pytestmark = pytest.mark.django_db


def test_list_editable_inputs_are_named_after_their_column_and_row(client, superuser):
    client.force_login(superuser)

    html = client.get("/admin/catalog/technique/").content.decode()

    assert 'aria-label="Display order: Swedish Massage"' in html
    assert 'aria-label="Offered: Swedish Massage"' in html
