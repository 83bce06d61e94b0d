import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0027_home_care_plans"),
    ]

    operations = [
        migrations.CreateModel(
            name="FunctionActivity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("named_at", models.DateTimeField()),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="function_activities",
                        to="bookings.client",
                    ),
                ),
                (
                    "named_in",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="bookings.outcomerequest",
                    ),
                ),
            ],
            options={
                "verbose_name": "everyday activity",
                "verbose_name_plural": "everyday activities",
                "ordering": ["named_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="FunctionScore",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("score", models.PositiveSmallIntegerField()),
                ("answered_at", models.DateTimeField()),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scores",
                        to="bookings.functionactivity",
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="function_scores",
                        to="bookings.outcomerequest",
                    ),
                ),
            ],
            options={
                "ordering": ["answered_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("activity", "outcome"), name="function_score_once_per_answer"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("score__lte", 10)), name="function_score_0_to_10"
                    ),
                ],
            },
        ),
    ]
