import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from clinic.roles import FRONT_DESK, ROLE_PERMISSIONS, SUPERUSERS_ONLY, THERAPISTS, sync_roles

OUR_APPS = ["catalog", "bookings", "clinic"]
GRANTED = {model for grants in ROLE_PERMISSIONS.values() for model in grants}


def our_models() -> set[str]:
    return {
        model._meta.label_lower
        for app_label in OUR_APPS
        for model in apps.get_app_config(app_label).get_models()
    }


def expected_codenames(group_name: str) -> set[tuple[str, str]]:
    return {
        (model_label.split(".")[0], f"{action}_{model_label.split('.')[1]}")
        for model_label, actions in ROLE_PERMISSIONS[group_name].items()
        for action in actions
    }


def codenames(group: Group) -> set[tuple[str, str]]:
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_every_model_is_given_to_a_role_or_kept_for_superusers():
    forgotten = our_models() - GRANTED - SUPERUSERS_ONLY
    assert not forgotten, f"Give to a role in clinic/roles.py or to SUPERUSERS_ONLY: {forgotten}"


def test_no_model_is_both_given_to_a_role_and_kept_for_superusers():
    assert not GRANTED & SUPERUSERS_ONLY


def test_roles_name_only_models_and_actions_that_exist():
    unknown = (GRANTED | SUPERUSERS_ONLY) - our_models()
    assert not unknown
    for grants in ROLE_PERMISSIONS.values():
        for model_label, actions in grants.items():
            meta = apps.get_model(model_label)._meta
            # A model's own permissions (Meta.permissions) are named "<action>_<model>".
            own = {code.removesuffix(f"_{meta.model_name}") for code, _ in meta.permissions}
            assert set(actions) <= set(meta.default_permissions) | own


@pytest.mark.django_db
def test_migrations_leave_each_group_with_exactly_its_roles_permissions():
    # Fails when a migration that adds a model does not run sync_roles.
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLE_PERMISSIONS)
    for group in Group.objects.all():
        assert codenames(group) == expected_codenames(group.name), group.name


@pytest.mark.django_db
def test_syncing_puts_back_what_someone_changed_by_hand():
    therapists = Group.objects.get(name=THERAPISTS)
    therapists.permissions.remove(Permission.objects.get(codename="view_booking"))
    therapists.permissions.add(Permission.objects.get(codename="delete_booking"))
    Group.objects.filter(name=FRONT_DESK).delete()

    sync_roles(apps)

    for group in Group.objects.all():
        assert codenames(group) == expected_codenames(group.name), group.name
    assert Group.objects.count() == len(ROLE_PERMISSIONS)


@pytest.mark.django_db
def test_no_group_gets_any_audit_log_permission():
    # The trail of looks at health data is for superusers only (bookings/admin_looks.py).
    assert not Permission.objects.filter(
        content_type__app_label="auditlog", group__isnull=False
    ).exists()
    for grants in ROLE_PERMISSIONS.values():
        assert not [label for label in grants if label.startswith("auditlog.")]
