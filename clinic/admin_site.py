"""The staff's admin as the clinic's: each role lands on its work, and the navigation
shows what that role uses, grouped in the clinic's words (settings: `ClinicAdminConfig`).

Models are named by "app_label.model"; URLs by name: nothing here imports an app.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from clinic.roles import CLINICAL_LEADS, CONTENT_EDITORS, FRONT_DESK, THERAPISTS

# Where each role starts, the first of its groups that a user is in (superusers keep the
# index): the desk and therapists on the day, clinical leads on the safety rules, content
# editors on the techniques.
ROLE_HOMES: tuple[tuple[str, str], ...] = (
    (FRONT_DESK, "admin:bookings_booking_day"),
    (THERAPISTS, "admin:bookings_booking_day"),
    (CLINICAL_LEADS, "admin:catalog_conditionrule_changelist"),
    (CONTENT_EDITORS, "admin:catalog_technique_changelist"),
)

# The navigation's groups in order, each with its pages: a model ("app_label.model") or
# one of the desk's own pages (DESK_PAGES). A model no group names goes under "Other".
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "The diary",
        ("day", "week", "bookings.booking", "bookings.waitlistentry", "bookings.waitlistoffer"),
    ),
    (
        "Clients and their care",
        ("bookings.client", "bookings.treatmentnote", "bookings.outcomerequest"),
    ),
    (
        "Therapists and opening hours",
        (
            "bookings.therapist",
            "bookings.workinghours",
            "bookings.timeoff",
            "bookings.clinicclosure",
            "bookings.clinicrules",
        ),
    ),
    ("Safety rules", ("catalog.conditionrule", "catalog.warningphrase")),
    (
        "Techniques and prices",
        (
            "catalog.technique",
            "catalog.reliefmechanism",
            "catalog.answerweight",
            "catalog.keywordweight",
        ),
    ),
    ("Messages to clients", ("bookings.notification", "bookings.workerheartbeat")),
    ("Staff accounts", ("auth.user", "auth.group")),
)

# Pages a role may open but does not use day to day: kept out of its navigation (the
# pages still answer by URL, with the same permissions).
NOT_IN_NAVIGATION: dict[str, frozenset[str]] = {
    FRONT_DESK: frozenset(
        {"catalog.answerweight", "catalog.keywordweight", "bookings.workerheartbeat"}
    ),
    THERAPISTS: frozenset({"bookings.therapist", "bookings.clinicclosure"}),
    CLINICAL_LEADS: frozenset(),
    CONTENT_EDITORS: frozenset({"catalog.conditionrule"}),
}

# The desk's own pages: (name, URL name), shown to whoever may view bookings.
DESK_PAGES = {
    "day": ("Day view", "admin:bookings_booking_day"),
    "week": ("Week schedule", "admin:bookings_booking_schedule"),
}


def _roles(request: HttpRequest) -> set[str]:
    """The user's roles, told by a permission only that role has (clinic/roles.py): the
    admin has read the user's permissions already, so this costs no query on any page.
    Front desk holds every catalog permission too, so a content editor is one who edits
    techniques without running the diary."""
    user = request.user
    if not user.is_authenticated:
        return set()
    perms = user.get_all_permissions()
    roles = {role for role, mark in ROLE_MARKS.items() if mark in perms}
    if "catalog.change_technique" in perms and FRONT_DESK not in roles:
        roles.add(CONTENT_EDITORS)
    return roles


# A permission that only this role's group holds.
ROLE_MARKS = {
    FRONT_DESK: "bookings.add_booking",
    THERAPISTS: "bookings.add_treatmentnote",
    CLINICAL_LEADS: "catalog.change_conditionrule",
}


def role_home(request: HttpRequest) -> str | None:
    """Where this user's work starts; None for superusers and users in no role."""
    if request.user.is_superuser:
        return None
    roles = _roles(request)
    return next((reverse(url) for group, url in ROLE_HOMES if group in roles), None)


def _hidden(request: HttpRequest) -> frozenset[str]:
    """What no role of this user uses (a user in two roles sees what either uses)."""
    if request.user.is_superuser:
        return frozenset()
    roles = [NOT_IN_NAVIGATION[r] for r in _roles(request) if r in NOT_IN_NAVIGATION]
    if not roles:
        return frozenset()
    return frozenset.intersection(*roles)


def _key(model: dict[str, Any]) -> str:
    return str(model["model"]._meta.label_lower)


def _desk_page(name: str, url_name: str) -> dict[str, Any]:
    return {
        "name": name,
        "object_name": name.replace(" ", ""),
        "admin_url": reverse(url_name),
        "add_url": None,
        "perms": {"view": True},
        "view_only": True,
    }


class ClinicAdminSite(admin.AdminSite):
    site_header = "Clinic administration"
    site_title = "Clinic admin"
    index_title = "The clinic"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        home = role_home(request)
        if home is not None:
            return HttpResponseRedirect(home)
        return super().index(request, extra_context)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> Any:
        apps = super().get_app_list(request, app_label)
        hidden = _hidden(request)
        if app_label is not None:
            # An app's own page (/admin/bookings/) lists its models as Django does.
            for app in apps:
                app["models"] = [m for m in app["models"] if _key(m) not in hidden]
            return apps
        models = {_key(m): m for app in apps for m in app["models"] if _key(m) not in hidden}
        may_view_bookings = "bookings.booking" in models
        grouped = []
        for title, pages in GROUPS:
            shown = []
            for page in pages:
                if page in DESK_PAGES:
                    if may_view_bookings:
                        shown.append(_desk_page(*DESK_PAGES[page]))
                elif page in models:
                    shown.append(models.pop(page))
            if shown:
                grouped.append(_group(title, shown))
        if models:
            grouped.append(_group("Other", list(models.values())))
        return grouped


def _group(title: str, models: list[dict[str, Any]]) -> dict[str, Any]:
    label = title.lower().replace(" ", "-")
    return {
        "name": title,
        "app_label": label,
        # The group's heading opens its first page: a group is not an app.
        "app_url": models[0]["admin_url"],
        "has_module_perms": True,
        "models": models,
    }


class ClinicAdminConfig(AdminConfig):
    default_site = "clinic.admin_site.ClinicAdminSite"
