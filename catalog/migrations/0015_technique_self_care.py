from django.db import migrations, models

# Shipped advice, general and modest, written for this product. Clients see it only
# after the clinic's clinical lead has reviewed it (Technique.reviewed_self_care).
ADVICE = {
    "deep-tissue": (
        "A day or two of soreness after deep work is common. Keep moving gently: short "
        "walks and easy stretches help the muscles settle better than resting in bed. "
        "Warmth eases the ache: a warm shower, or a heat pack wrapped in a towel for 15 "
        "to 20 minutes. If you sit for long spells, stand up and move every half hour."
    ),
    "swedish": (
        "Keep the looseness going: a 10 to 20 minute walk most days, and a few slow "
        "stretches you find comfortable, such as drawing one knee at a time towards your "
        "chest while lying on your back. Change position often when you sit, and stop "
        "any stretch that brings on sharp pain."
    ),
    "trigger-point": (
        "The spots worked on may feel tender for a day or two. Warmth for 15 to 20 "
        "minutes and gentle movement help. Notice what sets the knots off: the same "
        "posture held for hours, a bag on one shoulder, a screen set too low, and change "
        "it where you can. Short, regular breaks beat one long stretch at the end of the day."
    ),
    "myofascial-release": (
        "Move little and often: slow, easy stretches held for about 30 seconds, without "
        "bouncing, keep the tissues supple between sessions. A warm bath or shower "
        "before stretching makes it easier. Keep active with walking or swimming, at a "
        "pace that feels comfortable."
    ),
    "lymphatic-drainage": (
        "Gentle activity helps fluid move: walking, and easy ankle and shoulder circles "
        "through the day. Drink as you normally would, wear nothing tight around the "
        "area that was treated, and avoid very hot baths for the rest of the day. If "
        "swelling returns quickly or one side swells more, tell your therapist or GP."
    ),
}


def add_advice(apps, schema_editor):
    Technique = apps.get_model("catalog", "Technique")
    for slug, advice in ADVICE.items():
        Technique.objects.filter(slug=slug, self_care="").update(self_care=advice)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0014_plain_speech_phrases"),
    ]

    operations = [
        migrations.AddField(
            model_name="technique",
            name="self_care",
            field=models.TextField(
                blank=True,
                help_text="General self-care advice for between sessions: gentle movement, stretches, heat, posture. Modest and general, nothing that needs an assessment. Clients see it (with the suggestion and in the confirmation email) once a clinical lead has reviewed it; changing it asks for a new review.",
                verbose_name="between sessions",
            ),
        ),
        migrations.AddField(
            model_name="technique",
            name="self_care_reviewed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="technique",
            name="self_care_reviewed_by",
            field=models.CharField(blank=True, editable=False, max_length=150),
        ),
        migrations.RunPython(add_advice, migrations.RunPython.noop),
    ]
