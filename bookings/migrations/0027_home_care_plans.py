import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from clinic.roles import sync_roles

# A starting list, general and gentle, for the clinic's clinical lead to keep or change.
EXERCISES = [
    (
        "Knee to chest",
        "Lie on your back with your knees bent. Bring one knee slowly towards your chest, "
        "holding it behind the thigh, until you feel a gentle stretch in your lower back. "
        "Hold for 20 to 30 seconds, then change legs. Three times each side, once or twice "
        "a day. Stop if it causes sharp pain or pain down your leg.",
    ),
    (
        "Pelvic tilt",
        "Lie on your back with your knees bent and feet flat. Gently flatten your lower back "
        "into the floor by tightening your tummy muscles, hold for 5 seconds, then relax. "
        "Ten times, once or twice a day. Keep breathing throughout.",
    ),
    (
        "Cat and camel",
        "On your hands and knees, slowly round your back up towards the ceiling, then let it "
        "sink gently down, moving only as far as is comfortable. Ten slow movements, once or "
        "twice a day.",
    ),
    (
        "Walking",
        "A walk at a comfortable pace most days, starting with 10 minutes and building up "
        "by a few minutes each week. Keeping active helps a sore back recover.",
    ),
    (
        "Heat",
        "A heat pack or hot-water bottle wrapped in a towel on the sore area for 15 to 20 "
        "minutes eases tight muscles. Never on bare skin, never while asleep, and not on an "
        "area that is swollen or bruised.",
    ),
    (
        "Breaks from sitting",
        "If you sit for long spells, stand up, walk a few steps and stretch gently every 30 "
        "minutes.",
    ),
]


def add_exercises(apps, schema_editor):
    HomeExercise = apps.get_model("bookings", "HomeExercise")
    for order, (name, how) in enumerate(EXERCISES):
        HomeExercise.objects.get_or_create(name=name, defaults={"how": how, "display_order": order})


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0026_booking_safety_override_reason"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HomeCarePlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "advice",
                    models.TextField(
                        blank=True,
                        help_text="Written to the client, who reads it at home: what to do, how often, what to avoid for now.",
                        verbose_name="advice in your words",
                    ),
                ),
                ("written_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("client_told_at", models.DateTimeField(blank=True, editable=False, null=True)),
            ],
            options={
                "verbose_name": "home-care plan",
                "ordering": ["-written_at"],
            },
        ),
        migrations.CreateModel(
            name="HomeExercise",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True)),
                (
                    "how",
                    models.TextField(
                        help_text="Plain steps the client will read at home: position, movement, how long, how often, and when to stop.",
                        verbose_name="how to do it",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to stop offering it in new plans.",
                        verbose_name="offered",
                    ),
                ),
                ("display_order", models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                "verbose_name": "home exercise",
                "ordering": ["display_order", "name"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="notification",
            name="notification_kind_valid",
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("confirmation", "Confirmation"),
                    ("reschedule", "Moved"),
                    ("cancellation", "Cancellation"),
                    ("cancelled_by_clinic", "Cancellation by the clinic"),
                    ("reminder", "Reminder"),
                    ("clinic_booked", "Note to clinic: booked"),
                    ("clinic_rescheduled", "Note to clinic: moved"),
                    ("clinic_cancelled", "Note to clinic: cancelled"),
                    ("outcome_ask", "How is your back?"),
                    ("waitlist_offer", "Waitlist: a time came free"),
                    ("home_care", "Home-care plan waiting"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "confirmation",
                            "reschedule",
                            "cancellation",
                            "cancelled_by_clinic",
                            "reminder",
                            "clinic_booked",
                            "clinic_rescheduled",
                            "clinic_cancelled",
                            "outcome_ask",
                            "waitlist_offer",
                            "home_care",
                        ],
                    )
                ),
                name="notification_kind_valid",
            ),
        ),
        migrations.AddField(
            model_name="homecareplan",
            name="booking",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="home_care_plan",
                to="bookings.booking",
            ),
        ),
        migrations.AddField(
            model_name="homecareplan",
            name="written_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="homecareplan",
            name="exercises",
            field=models.ManyToManyField(blank=True, related_name="+", to="bookings.homeexercise"),
        ),
        migrations.RunPython(add_exercises, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
