import pytest
from django.urls import reverse

from catalog.models import Technique

pytestmark = pytest.mark.django_db

INLINES = {
    "lengths": ["minutes", "price"],
    "answer_weights": ["answer", "weight"],
    "keyword_weights": ["keyword", "weight"],
    "condition_rules": ["condition", "effect", "reason"],
}


def technique_change_data(technique: Technique) -> dict[str, object]:
    """The technique's admin change form as a browser would post it, unchanged."""
    data: dict[str, object] = {
        "name": technique.name,
        "slug": technique.slug,
        "summary": technique.summary,
        "pressure": technique.pressure,
        "is_active": "on",
        "display_order": technique.display_order,
        "indications": technique.indications,
        "method": technique.method,
        "what_to_expect": technique.what_to_expect,
        "cautions": technique.cautions,
    }
    for prefix, fields in INLINES.items():
        rows = list(getattr(technique, prefix).all())
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": len(rows),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for i, row in enumerate(rows):
            data |= {f"{prefix}-{i}-id": row.pk, f"{prefix}-{i}-technique": technique.pk}
            data |= {f"{prefix}-{i}-{field}": getattr(row, field) for field in fields}
    return data


def test_a_content_editor_can_change_a_technique(client, content_editor):
    technique = Technique.objects.get(slug="swedish")
    client.force_login(content_editor)
    url = reverse("admin:catalog_technique_change", args=[technique.pk])
    assert client.get(url).status_code == 200

    data = technique_change_data(technique) | {"summary": "A new, clearer summary."}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    technique.refresh_from_db()
    assert technique.summary == "A new, clearer summary."


def test_a_content_editor_cannot_see_users(client, content_editor):
    client.force_login(content_editor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "Technique catalog" in index
    assert "Users" not in index
    assert "Bookings and schedules" not in index


def test_front_desk_can_edit_the_catalog_but_not_users(client, front_desk_user):
    client.force_login(front_desk_user)
    assert client.get(reverse("admin:catalog_technique_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_a_therapist_cannot_edit_the_catalog(client, therapist_user):
    client.force_login(therapist_user)
    assert client.get(reverse("admin:catalog_technique_changelist")).status_code == 403


def test_the_technique_admin_prepopulates_the_slug_and_inlines_lengths(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:catalog_technique_add")).content.decode()
    assert "prepopulated" in html
    assert "lengths-TOTAL_FORMS" in html
