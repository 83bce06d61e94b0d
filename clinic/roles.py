"""Staff roles as Django groups, kept in step with the models by migrations.

Each app that adds models adds a migration calling `sync_roles`, so a fresh
database and an upgraded one end up with the same groups and permissions.
"""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

ALL = "__all__"

CONTENT_EDITORS = "Content editors"
FRONT_DESK = "Front desk"
THERAPISTS = "Therapists"

# Group name -> app label -> ALL, or the permission codenames granted in that app.
# Front desk runs everything but staff accounts; content editors only the catalog;
# therapists get object-level limits on top of these in the bookings admin.
ROLE_PERMISSIONS: dict[str, dict[str, str | list[str]]] = {
    CONTENT_EDITORS: {"catalog": ALL},
    FRONT_DESK: {"catalog": ALL, "bookings": ALL},
    THERAPISTS: {
        "bookings": [
            "view_therapist",
            "view_workinghours",
            "add_workinghours",
            "change_workinghours",
            "delete_workinghours",
            "view_timeoff",
            "add_timeoff",
            "change_timeoff",
            "delete_timeoff",
            "view_booking",
            "change_booking",
        ]
    },
}


def sync_roles(apps: Apps) -> None:
    """Create the groups and set each one's permissions to exactly ROLE_PERMISSIONS.

    Permissions for models that do not exist yet are skipped; the migration that
    adds those models calls this again.
    """
    for app_config in apps.get_app_configs():
        # Permissions are normally created after all migrations ran; create them now
        # so a fresh database gets complete groups in the same `migrate`.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        permissions = Permission.objects.none()
        for app_label, codenames in grants.items():
            in_app = Permission.objects.filter(content_type__app_label=app_label)
            if codenames != ALL:
                in_app = in_app.filter(codename__in=codenames)
            permissions |= in_app
        group.permissions.set(permissions)
