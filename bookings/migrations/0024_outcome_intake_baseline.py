from django.db import migrations, models

INTENSITY_MAX = 10
BATCH = 500


def _codes(value: object) -> list[str]:
    return [code for code in value if isinstance(code, str)] if isinstance(value, list) else []


def keep_baselines(apps, schema_editor):
    """Copy each request's baseline from its booking's intake answers where the purge
    has not deleted them yet. Self-contained: later code may change its helpers."""
    OutcomeRequest = apps.get_model("bookings", "OutcomeRequest")
    holding = (
        OutcomeRequest.objects.filter(booking__intake_answers__isnull=False)
        .select_related("booking")
        .only("pk", "booking__intake_answers")
        .order_by("pk")
    )
    changed = []
    for request in holding.iterator(chunk_size=BATCH):
        answers = request.booking.intake_answers
        if not isinstance(answers, dict):
            continue
        intensity = answers.get("intensity")
        if isinstance(intensity, int) and not isinstance(intensity, bool):
            request.intake_score = intensity if 0 <= intensity <= INTENSITY_MAX else None
        request.intake_areas = _codes(answers.get("areas"))
        request.intake_feelings = _codes(answers.get("feelings"))
        changed.append(request)
    OutcomeRequest.objects.bulk_update(
        changed, ["intake_score", "intake_areas", "intake_feelings"], batch_size=BATCH
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0023_remove_healthdataaccess"),
    ]

    operations = [
        migrations.AddField(
            model_name="outcomerequest",
            name="intake_areas",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name="outcomerequest",
            name="intake_feelings",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name="outcomerequest",
            name="intake_score",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="outcomerequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("intake_score__isnull", True), ("intake_score__lte", 10), _connector="OR"
                ),
                name="outcome_intake_score_0_to_10",
            ),
        ),
        migrations.RunPython(keep_baselines, migrations.RunPython.noop),
    ]
