"""Staff roles as Django groups: which group may do what to which model, defined once.

The migrations that add models run `sync_roles`, so a fresh database and an upgraded
one end up with the same groups and permissions. A new model goes either to the roles
below or to SUPERUSERS_ONLY; tests/test_roles.py fails until it is in one of them.
"""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CONTENT_EDITORS = "Content editors"
CLINICAL_LEADS = "Clinical leads"
FRONT_DESK = "Front desk"
THERAPISTS = "Therapists"

EVERYTHING = ("add", "change", "delete", "view")
VIEW = ("view",)

# What clients read and how the suggestion ranks: copy, prices, preference weights.
CATALOG: dict[str, tuple[str, ...]] = {
    "catalog.technique": EVERYTHING,
    "catalog.sessionlength": EVERYTHING,
    "catalog.reliefmechanism": EVERYTHING,
    "catalog.answerweight": EVERYTHING,
    "catalog.keywordweight": EVERYTHING,
}

# What decides safety: which technique a health condition rules out, and the phrases
# that screen a client's own words for warning signs. Only clinical leads change them.
SAFETY: dict[str, tuple[str, ...]] = {
    "catalog.conditionrule": EVERYTHING,
    "catalog.warningphrase": EVERYTHING,
}

# Group name -> "app_label.model" -> the actions the group may take on that model.
# Front desk runs everything but staff accounts and safety rules; content editors only
# the catalog, reading the condition rules (their copy sits beside them) but never the
# warning phrases; clinical leads the safety rules; therapists get object-level limits
# on top of these in the bookings admin.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    CONTENT_EDITORS: CATALOG | {"catalog.conditionrule": VIEW},
    CLINICAL_LEADS: SAFETY
    | {
        "catalog.technique": VIEW,
        "catalog.historicalconditionrule": VIEW,
        "catalog.historicalwarningphrase": VIEW,
        # They review treatment notes and outcomes, which are read in the client's record.
        "bookings.client": VIEW,
        "bookings.treatmentnote": VIEW,
        "bookings.noteamendment": VIEW,
        # Clients' 0-10 answers after sessions: the outcomes report and the client page.
        "bookings.outcomerequest": ("view", "report"),
        # The clinic's list of home exercises is theirs to keep; plans they read.
        "bookings.homeexercise": EVERYTHING,
        "bookings.homecareplan": VIEW,
    },
    FRONT_DESK: CATALOG
    | {model: VIEW for model in SAFETY}
    | {
        "bookings.therapist": EVERYTHING,
        "bookings.workinghours": EVERYTHING,
        "bookings.timeoff": EVERYTHING,
        "bookings.clinicclosure": EVERYTHING,
        "bookings.clinicrules": EVERYTHING,
        "bookings.booking": EVERYTHING,
        "bookings.client": EVERYTHING,
        "bookings.notification": EVERYTHING,
        "bookings.workerheartbeat": ("view",),
        "bookings.waitlistentry": EVERYTHING,
        "bookings.waitlistoffer": EVERYTHING,
        # Money rows are written by the payment services only: read here, never edited.
        "bookings.payment": VIEW,
        "bookings.bookingcheckout": VIEW,
    },
    THERAPISTS: {
        "bookings.therapist": ("view",),
        "bookings.workinghours": EVERYTHING,
        "bookings.timeoff": EVERYTHING,
        "bookings.clinicclosure": ("view",),
        "bookings.booking": ("view", "change"),
        # Only clients they have a booking with: ClientAdmin narrows the rows.
        "bookings.client": VIEW,
        # Which notes: their own clients' only (bookings/notes.py, visible_notes).
        "bookings.treatmentnote": ("view", "add", "change"),
        "bookings.noteamendment": VIEW,
        # Their clients' pain over time, on the client page.
        "bookings.outcomerequest": VIEW,
        # Who waits for them or for anyone: they see who might fill a gap.
        "bookings.waitlistentry": ("view",),
        # Home-care plans for their own sessions' clients, from the clinic's exercises.
        "bookings.homeexercise": VIEW,
        "bookings.homecareplan": ("view", "add", "change"),
    },
}

# Models of our apps whose permissions no group gets, on purpose: only superusers
# manage them. (The trail of who looked at health data is django-auditlog's LogEntry,
# which no group gets either: bookings/admin_looks.py shows it to superusers only.)
SUPERUSERS_ONLY: frozenset[str] = frozenset(
    {
        # The clients' everyday-activity scores (PSFS): read on the client page beside
        # the pain chart, through the outcome answers' rule; no admin pages of their own.
        "bookings.functionactivity",
        "bookings.functionscore",
        # Courses of care: staff see and change them through the booking's page and its
        # course panel (the booking's permissions decide), not an admin of their own.
        "bookings.course",
        # Sign-in links are keys to a client's "My bookings": nobody at the clinic needs them.
        "bookings.signinlink",
        # Stripe's events, kept to handle each once: nothing for staff to read.
        "bookings.stripeevent",
    }
)


def sync_roles(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    """Create the groups and set each one's permissions to exactly ROLE_PERMISSIONS.

    Takes RunPython's arguments, so a migration passes it as is and it sees the models
    as they are at that migration: permissions of models not created yet are skipped,
    and the migration that adds those models calls it again.
    """
    for app_config in apps.get_app_configs():
        # Permissions are normally created after all migrations ran; create them now
        # so a fresh database gets complete groups in the same `migrate`.
        # create_permissions skips an app without a models module, and the historical
        # registry's apps have none: any true value lets it through.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True  # type: ignore[assignment]
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        permissions = Permission.objects.none()
        for model_label, actions in grants.items():
            app_label, model_name = model_label.split(".")
            permissions |= Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model_name,
                codename__in=[f"{action}_{model_name}" for action in actions],
            )
        group.permissions.set(permissions)
