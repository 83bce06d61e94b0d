# Labels are copy: choices stay out of migrations; check constraints keep the codes valid.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_staff_roles_indications"),
    ]

    operations = [
        migrations.AlterField(
            model_name="answerweight",
            name="answer",
            field=models.CharField(max_length=40),
        ),
        migrations.AlterField(
            model_name="conditionrule",
            name="condition",
            field=models.CharField(max_length=30),
        ),
        migrations.AlterField(
            model_name="conditionrule",
            name="effect",
            field=models.CharField(max_length=10),
        ),
        migrations.AlterField(
            model_name="technique",
            name="pressure",
            field=models.CharField(default="medium", max_length=10, verbose_name="usual pressure"),
        ),
        migrations.AddConstraint(
            model_name="answerweight",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "answer__in",
                        [
                            "area:lower",
                            "area:middle",
                            "area:upper",
                            "area:neck_shoulders",
                            "duration:days",
                            "duration:weeks",
                            "duration:months",
                            "intensity:mild",
                            "intensity:moderate",
                            "intensity:strong",
                            "frequency:sometimes",
                            "frequency:often",
                            "frequency:constant",
                            "feeling:tight",
                            "feeling:knots",
                            "feeling:ache",
                            "feeling:swelling",
                            "feeling:spasms",
                            "trigger:sitting",
                            "trigger:exercise",
                            "trigger:stress",
                            "trigger:standing",
                            "pressure:gentle",
                            "pressure:medium",
                            "pressure:firm",
                            "pressure:any",
                        ],
                    )
                ),
                name="answer_weight_answer_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="conditionrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "condition__in",
                        [
                            "pregnancy",
                            "blood_thinners",
                            "recent_surgery",
                            "osteoporosis",
                            "dvt",
                            "infection",
                            "heart_kidney",
                            "skin",
                        ],
                    )
                ),
                name="condition_rule_condition_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="technique",
            constraint=models.CheckConstraint(
                condition=models.Q(("pressure__in", ["gentle", "medium", "firm"])),
                name="technique_pressure_known",
            ),
        ),
    ]
