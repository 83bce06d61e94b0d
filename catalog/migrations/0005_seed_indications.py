from django.db import migrations

# What the clinic opens with, following its back-pain article: long-standing or deep
# tension and strain point to deep tissue work; mild pain, tiredness and stress to
# Swedish; knots and tender spots to trigger point therapy; tightness from sitting or
# exercise and stiffness to myofascial release; swelling, heaviness and poor
# circulation to lymphatic drainage. Content editors tune all of it in admin; this
# migration only fills techniques that have no indications yet, so it never
# overwrites their edits.

ANSWER_WEIGHTS = {
    "deep-tissue": {
        "duration:days": -1,
        "duration:weeks": 1,
        "duration:months": 3,
        "frequency:often": 1,
        "frequency:constant": 1,
        "feeling:tight": 2,
        "feeling:knots": 1,
        "feeling:spasms": -1,
        "trigger:exercise": 2,
        "pressure:gentle": -4,
        "pressure:firm": 3,
    },
    "swedish": {
        "duration:days": 1,
        "intensity:mild": 3,
        "intensity:moderate": 1,
        "frequency:sometimes": 1,
        "feeling:ache": 3,
        "feeling:spasms": 2,
        "trigger:stress": 3,
        "pressure:gentle": 3,
        "pressure:medium": 1,
        "pressure:firm": -2,
        "pressure:any": 1,
    },
    "trigger-point": {
        "area:upper": 1,
        "area:neck_shoulders": 1,
        "duration:weeks": 1,
        "duration:months": 1,
        "feeling:knots": 5,
        "trigger:sitting": 1,
        "pressure:gentle": -3,
        "pressure:medium": 1,
        "pressure:firm": 2,
    },
    "myofascial-release": {
        "duration:weeks": 1,
        "frequency:often": 1,
        "feeling:tight": 3,
        "feeling:knots": 1,
        "feeling:spasms": 2,
        "trigger:sitting": 3,
        "trigger:exercise": 2,
        "pressure:gentle": 1,
        "pressure:medium": 2,
    },
    "lymphatic-drainage": {
        "feeling:swelling": 5,
        "trigger:standing": 4,
        "pressure:gentle": 2,
        "pressure:firm": -2,
    },
}

KEYWORD_WEIGHTS = {
    "deep-tissue": {"chronic": 2, "strain": 2, "lifting": 1, "gym": 1, "deep": 1},
    "swedish": {"stress": 2, "tired": 2, "fatigue": 2, "anxi": 2, "relax": 2, "worn out": 1},
    "trigger-point": {"knot": 3, "tender": 2, "lump": 2, "nodule": 2, "sore spot": 2},
    "myofascial-release": {
        "desk": 2,
        "sitting": 2,
        "stiff": 2,
        "posture": 2,
        "bend": 1,
        "mobility": 1,
        "running": 1,
    },
    "lymphatic-drainage": {
        "swell": 3,
        "swollen": 3,
        "puff": 2,
        "heav": 2,
        "fluid": 2,
        "circulation": 2,
        "inflam": 2,
        "oedema": 3,
        "edema": 3,
    },
}

FIRM = ["deep-tissue", "trigger-point"]
EXCLUDE = "exclude"
DEMOTE = "demote"

# condition -> [(technique slugs, effect, reason the client reads)]
CONDITION_RULES = {
    "blood_thinners": [
        (
            FIRM,
            EXCLUDE,
            "Firm pressure can leave bruises or cause bleeding under the skin when "
            "your blood clots less easily.",
        ),
    ],
    "osteoporosis": [
        (FIRM, EXCLUDE, "Firm pressure on thinner, more fragile bones could injure them."),
        (
            ["myofascial-release"],
            DEMOTE,
            "Sustained pressure and stretching need extra care with fragile bones; "
            "your therapist keeps it light.",
        ),
    ],
    "dvt": [
        (
            FIRM,
            EXCLUDE,
            "Firm pressure near a blood clot, or where one has formed before, could "
            "move it. Please check with your doctor first.",
        ),
        (
            ["lymphatic-drainage"],
            EXCLUDE,
            "Moving fluid through the body is not advised while a clot may be present. "
            "Please check with your doctor first.",
        ),
        (
            ["swedish", "myofascial-release"],
            DEMOTE,
            "Any massage near a clot needs care; your therapist avoids the affected "
            "area, and your doctor should agree first.",
        ),
    ],
    "recent_surgery": [
        (FIRM, EXCLUDE, "Firm pressure can disturb tissue that is still healing after surgery."),
        (
            ["myofascial-release"],
            DEMOTE,
            "Stretching near a recent scar needs care; your therapist works around it.",
        ),
    ],
    "infection": [
        (
            ["lymphatic-drainage"],
            EXCLUDE,
            "Moving lymph fluid while you have a fever or an infection may spread it "
            "and tire the body further.",
        ),
        (
            ["deep-tissue", "swedish", "trigger-point", "myofascial-release"],
            DEMOTE,
            "Massage is best left until a fever or infection has passed; please book "
            "for a day when you feel well again.",
        ),
    ],
    "heart_kidney": [
        (
            ["lymphatic-drainage"],
            EXCLUDE,
            "Moving extra fluid back into the circulation adds work for a heart or "
            "kidneys that are already under strain.",
        ),
        (
            ["deep-tissue"],
            DEMOTE,
            "Strong pressure adds load on the circulation; a gentler technique is kinder.",
        ),
    ],
    "pregnancy": [
        (
            FIRM,
            DEMOTE,
            "Deep, firm pressure is usually avoided in pregnancy; a gentler technique "
            "in a comfortable side-lying position suits better.",
        ),
        (
            ["lymphatic-drainage"],
            DEMOTE,
            "In pregnancy, lymphatic drainage should first be agreed with your midwife or doctor.",
        ),
    ],
    "skin": [
        (
            ["deep-tissue", "trigger-point", "myofascial-release"],
            DEMOTE,
            "Firm or sustained pressure can irritate skin problems on the back; your "
            "therapist works around the affected areas.",
        ),
    ],
}


def seed(apps, schema_editor):
    Technique = apps.get_model("catalog", "Technique")
    AnswerWeight = apps.get_model("catalog", "AnswerWeight")
    KeywordWeight = apps.get_model("catalog", "KeywordWeight")
    ConditionRule = apps.get_model("catalog", "ConditionRule")
    techniques = {t.slug: t for t in Technique.objects.all()}

    for slug, weights in ANSWER_WEIGHTS.items():
        technique = techniques.get(slug)
        if technique and not AnswerWeight.objects.filter(technique=technique).exists():
            AnswerWeight.objects.bulk_create(
                AnswerWeight(technique=technique, answer=answer, weight=weight)
                for answer, weight in weights.items()
            )
    for slug, keywords in KEYWORD_WEIGHTS.items():
        technique = techniques.get(slug)
        if technique and not KeywordWeight.objects.filter(technique=technique).exists():
            KeywordWeight.objects.bulk_create(
                KeywordWeight(technique=technique, keyword=keyword, weight=weight)
                for keyword, weight in keywords.items()
            )
    if not ConditionRule.objects.exists():
        ConditionRule.objects.bulk_create(
            ConditionRule(
                technique=techniques[slug], condition=condition, effect=effect, reason=reason
            )
            for condition, rules in CONDITION_RULES.items()
            for slugs, effect, reason in rules
            for slug in slugs
            if slug in techniques
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_indications")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
