# The risk factors and the new emergency signs join the codes rules and phrases may
# use; each risk factor gets its seeded rules (catalog/seed.py), with a first history
# record so a clinical lead's first edit shows what it said.

from django.db import migrations, models

from catalog.seed import record_safety_history_baseline, seed_risk_factor_rules


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0012_safety_history_baseline_and_roles"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="conditionrule",
            name="condition_rule_condition_known",
        ),
        migrations.RemoveConstraint(
            model_name="warningphrase",
            name="warning_phrase_sign_known",
        ),
        migrations.AlterField(
            model_name="conditionrule",
            name="condition",
            field=models.CharField(max_length=30, verbose_name="condition or risk factor"),
        ),
        migrations.AlterField(
            model_name="historicalconditionrule",
            name="condition",
            field=models.CharField(max_length=30, verbose_name="condition or risk factor"),
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
                            "over_50_new",
                            "cancer",
                            "weight_loss",
                            "steroids",
                            "drugs_immunity",
                            "spine_surgery",
                            "fever",
                            "fall",
                            "pregnancy_problem",
                        ],
                    )
                ),
                name="condition_rule_condition_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="warningphrase",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "sign__in",
                        [
                            "saddle_numbness",
                            "wiping_change",
                            "bladder_change",
                            "bladder_bowel",
                            "sexual_change",
                            "both_legs",
                            "leg_weakness",
                            "chest_pain",
                            "fever",
                            "injury",
                            "cancer_weight",
                            "night_pain",
                            "leg_numbness",
                        ],
                    )
                ),
                name="warning_phrase_sign_known",
            ),
        ),
        migrations.RunPython(seed_risk_factor_rules, migrations.RunPython.noop),
        migrations.RunPython(record_safety_history_baseline, migrations.RunPython.noop),
    ]
