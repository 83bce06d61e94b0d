import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from catalog.models import AnswerWeight, ConditionRule, KeywordWeight, Technique, WarningPhrase
from catalog.vocabulary import WARNING_SIGNS, RuleEffect

pytestmark = pytest.mark.django_db

INLINES = {
    "lengths": ["minutes", "price"],
    "answer_weights": ["answer", "weight"],
    "keyword_weights": ["keyword", "weight"],
    "condition_rules": ["condition", "effect", "reason"],
}


def technique_change_data(technique: Technique) -> dict[str, object]:
    """The technique's admin change form as a browser would post it, unchanged."""
    data: dict[str, object] = {
        "name": technique.name,
        "slug": technique.slug,
        "summary": technique.summary,
        "pressure": technique.pressure,
        "is_active": "on",
        "display_order": technique.display_order,
        "indications": technique.indications,
        "method": technique.method,
        "what_to_expect": technique.what_to_expect,
        "cautions": technique.cautions,
    }
    for prefix, fields in INLINES.items():
        rows = list(getattr(technique, prefix).all())
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": len(rows),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for i, row in enumerate(rows):
            data |= {f"{prefix}-{i}-id": row.pk, f"{prefix}-{i}-technique": technique.pk}
            data |= {f"{prefix}-{i}-{field}": getattr(row, field) for field in fields}
    return data


def test_a_content_editor_can_change_a_technique(client, content_editor):
    technique = Technique.objects.get(slug="swedish")
    client.force_login(content_editor)
    url = reverse("admin:catalog_technique_change", args=[technique.pk])
    assert client.get(url).status_code == 200

    data = technique_change_data(technique) | {"summary": "A new, clearer summary."}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    technique.refresh_from_db()
    assert technique.summary == "A new, clearer summary."


def test_a_content_editor_cannot_see_users(client, content_editor):
    client.force_login(content_editor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    # They land on the techniques, whose navigation shows the catalog and nothing else.
    landing = client.get(reverse("admin:index"), follow=True)
    assert landing.redirect_chain == [(reverse("admin:catalog_technique_changelist"), 302)]
    page = landing.content.decode()
    assert "Techniques and prices" in page
    assert "Users" not in page
    assert "The diary" not in page


def test_front_desk_can_edit_the_catalog_but_not_users(client, front_desk_user):
    client.force_login(front_desk_user)
    assert client.get(reverse("admin:catalog_technique_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_a_therapist_cannot_edit_the_catalog(client, therapist_user):
    client.force_login(therapist_user)
    assert client.get(reverse("admin:catalog_technique_changelist")).status_code == 403


def test_the_technique_admin_prepopulates_the_slug_and_inlines_lengths(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:catalog_technique_add")).content.decode()
    assert "prepopulated" in html
    assert "lengths-TOTAL_FORMS" in html


def test_content_editors_and_front_desk_can_edit_preference_weights(
    client, content_editor, front_desk_user
):
    for user in [content_editor, front_desk_user]:
        client.force_login(user)
        for model in ["answerweight", "keywordweight"]:
            assert client.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200
            assert client.get(reverse(f"admin:catalog_{model}_add")).status_code == 200


def test_a_therapist_cannot_edit_indications(client, therapist_user):
    client.force_login(therapist_user)
    assert client.get(reverse("admin:catalog_answerweight_changelist")).status_code == 403


def test_the_technique_page_in_admin_shows_its_indications_inline(client, content_editor):
    client.force_login(content_editor)
    technique = Technique.objects.get(slug="lymphatic-drainage")
    html = client.get(reverse("admin:catalog_technique_change", args=[technique.pk])).content
    for prefix in ["answer_weights", "keyword_weights", "condition_rules"]:
        assert f"{prefix}-TOTAL_FORMS".encode() in html
    assert b"feeling:swelling" in html


def test_a_keyword_typed_in_capitals_is_stored_in_lower_case(client, content_editor):
    client.force_login(content_editor)
    technique = Technique.objects.get(slug="swedish")
    response = client.post(
        reverse("admin:catalog_keywordweight_add"),
        {"technique": technique.pk, "keyword": "  Worn   OUT Back ", "weight": 3},
    )
    assert response.status_code == 302
    assert technique.keyword_weights.filter(keyword="worn out back").exists()


def test_an_out_of_range_weight_is_a_form_error_not_a_crash(client, content_editor):
    client.force_login(content_editor)
    technique = Technique.objects.get(slug="swedish")
    response = client.post(
        reverse("admin:catalog_answerweight_add"),
        {"technique": technique.pk, "answer": "area:middle", "weight": 50},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["weight"]


def test_the_database_refuses_weights_out_of_range_and_capital_keywords():
    technique = Technique.objects.get(slug="swedish")
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerWeight.objects.create(technique=technique, answer="area:middle", weight=11)
    with pytest.raises(IntegrityError), transaction.atomic():
        KeywordWeight.objects.create(technique=technique, keyword="Knot", weight=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        KeywordWeight.objects.create(technique=technique, keyword="k", weight=1)


def test_answer_weights_offer_answers_by_their_labels(client, content_editor):
    client.force_login(content_editor)
    html = client.get(reverse("admin:catalog_answerweight_add")).content.decode()
    assert '<optgroup label="How long it has hurt">' in html
    assert '<option value="duration:days">How long it has hurt: A few days</option>' in html


def test_an_unknown_answer_or_condition_is_a_form_error_not_a_crash(
    client, content_editor, clinical_lead
):
    client.force_login(content_editor)
    technique = Technique.objects.get(slug="swedish")
    response = client.post(
        reverse("admin:catalog_answerweight_add"),
        {"technique": technique.pk, "answer": "area:elbow", "weight": 3},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["answer"]
    client.force_login(clinical_lead)
    response = client.post(
        reverse("admin:catalog_conditionrule_add"),
        {"technique": technique.pk, "condition": "flu", "effect": "exclude", "reason": "No."},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["condition"]


# Who may change safety: clinical leads only.


def rule_data(rule: ConditionRule, **changes: object) -> dict[str, object]:
    return {
        "technique": rule.technique_id,
        "condition": rule.condition,
        "effect": rule.effect,
        "reason": rule.reason,
    } | changes


def test_a_clinical_lead_can_change_condition_rules_and_warning_phrases(client, clinical_lead):
    client.force_login(clinical_lead)
    rule = ConditionRule.objects.get(technique__slug="swedish", condition="dvt")

    response = client.post(
        reverse("admin:catalog_conditionrule_change", args=[rule.pk]),
        rule_data(rule, effect="exclude"),
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.effect == "exclude"

    response = client.post(
        reverse("admin:catalog_warningphrase_add"),
        {"sign": "fever", "phrase": "  Burning   UP with it "},
    )
    assert response.status_code == 302
    assert WarningPhrase.objects.filter(sign="fever", phrase="burning up with it").exists()
    assert client.get(reverse("admin:catalog_technique_changelist")).status_code == 200
    assert client.get(reverse("admin:catalog_answerweight_changelist")).status_code == 403


def test_a_content_editor_may_read_condition_rules_but_not_change_them(client, content_editor):
    client.force_login(content_editor)
    rule = ConditionRule.objects.get(technique__slug="swedish", condition="dvt")
    url = reverse("admin:catalog_conditionrule_change", args=[rule.pk])

    assert client.get(reverse("admin:catalog_conditionrule_changelist")).status_code == 200
    assert client.get(reverse("admin:catalog_conditionrule_add")).status_code == 403
    assert client.post(url, rule_data(rule, effect="demote")).status_code == 403
    rule.refresh_from_db()
    assert rule.effect == "doctor_first"


def test_a_content_editor_cannot_see_or_change_warning_phrases(client, content_editor):
    client.force_login(content_editor)

    assert client.get(reverse("admin:catalog_warningphrase_changelist")).status_code == 403
    response = client.post(
        reverse("admin:catalog_warningphrase_add"), {"sign": "fever", "phrase": "x y"}
    )
    assert response.status_code == 403


def test_a_content_editor_saving_a_technique_leaves_its_condition_rules_as_they_are(
    client, content_editor
):
    technique = Technique.objects.get(slug="swedish")
    client.force_login(content_editor)
    data = technique_change_data(technique)
    data["condition_rules-0-effect"] = "demote"
    data["condition_rules-0-reason"] = "Changed."
    before = list(technique.condition_rules.values_list("effect", "reason"))

    response = client.post(reverse("admin:catalog_technique_change", args=[technique.pk]), data)

    assert response.status_code == 302
    assert list(technique.condition_rules.values_list("effect", "reason")) == before


def test_front_desk_may_only_read_safety_rules(client, front_desk_user):
    client.force_login(front_desk_user)
    phrase = WarningPhrase.objects.first()
    assert phrase is not None

    for model in ["conditionrule", "warningphrase"]:
        assert client.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:catalog_{model}_add")).status_code == 403
    response = client.post(
        reverse("admin:catalog_warningphrase_change", args=[phrase.pk]),
        {"sign": phrase.sign, "phrase": "changed"},
    )
    assert response.status_code == 403


def test_every_change_to_a_safety_rule_records_who_when_and_before_and_after(
    client, clinical_lead, now
):
    client.force_login(clinical_lead)
    rule = ConditionRule.objects.get(technique__slug="swedish", condition="dvt")
    url = reverse("admin:catalog_conditionrule_change", args=[rule.pk])

    client.post(url, rule_data(rule, effect="exclude"))
    client.post(url, rule_data(rule, effect="exclude", reason="Not with a clot."))

    # By id: the baseline record was written when the test database was made, later
    # than the test's frozen clock.
    latest, middle, seeded = rule.history.order_by("-history_id")
    assert latest.history_user == clinical_lead
    assert latest.history_date == now
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(middle).changes}
    assert changes == {"reason": (rule.reason, "Not with a clot.")}
    first_change = middle.diff_against(seeded).changes
    assert [(c.field, c.old, c.new) for c in first_change] == [
        ("effect", "doctor_first", "exclude")
    ]
    assert seeded.history_change_reason == "As seeded"
    history = client.get(reverse("admin:catalog_conditionrule_history", args=[rule.pk]))
    assert history.status_code == 200
    # Who, by name; what, by label, never the stored code.
    page = history.content.decode()
    assert escape(clinical_lead.get_full_name()) in page
    assert escape(RuleEffect.DOCTOR_FIRST.label) in page and "doctor_first" not in page


def test_adding_and_deleting_a_warning_phrase_is_kept_in_its_history(client, clinical_lead):
    client.force_login(clinical_lead)
    client.post(reverse("admin:catalog_warningphrase_add"), {"sign": "fever", "phrase": "pyrexia"})
    phrase = WarningPhrase.objects.get(phrase="pyrexia")
    client.post(reverse("admin:catalog_warningphrase_delete", args=[phrase.pk]), {"post": "yes"})

    kinds = list(
        WarningPhrase.history.filter(phrase="pyrexia").values_list(
            "history_type", "history_user__username"
        )
    )
    assert kinds == [("-", "clinicallead"), ("+", "clinicallead")]


def test_a_rule_changed_inline_on_the_technique_page_records_who_too(client, superuser):
    technique = Technique.objects.get(slug="swedish")
    client.force_login(superuser)
    data = technique_change_data(technique)
    index = [r.condition for r in technique.condition_rules.all()].index("dvt")
    data[f"condition_rules-{index}-reason"] = "Ask your doctor."

    client.post(reverse("admin:catalog_technique_change", args=[technique.pk]), data)

    record = ConditionRule.history.filter(technique=technique, condition="dvt").first()
    assert record is not None
    assert record.reason == "Ask your doctor."
    assert record.history_user == superuser


def test_a_clinical_lead_can_try_a_sentence_against_the_phrases(client, clinical_lead):
    client.force_login(clinical_lead)
    url = reverse("admin_try_warning_phrases")
    changelist = client.get(reverse("admin:catalog_warningphrase_changelist")).content.decode()
    assert url in changelist

    response = client.post(url, {"text": "No fever, but since Monday NO control of my bladder"})

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert WARNING_SIGNS.label_of("bladder_bowel") in html
    assert "NO control of my bladder" in html
    found, near_misses = html.split("<h2>Near misses</h2>")
    assert "Fever together" not in found
    assert "denied by “no”" in near_misses


def test_trying_nothing_is_a_form_error_and_nobody_else_may_try(
    client, clinical_lead, content_editor
):
    client.force_login(clinical_lead)
    response = client.post(reverse("admin_try_warning_phrases"), {"text": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["text"]

    client.force_login(content_editor)
    assert client.post(reverse("admin_try_warning_phrases"), {"text": "a fever"}).status_code == 403


def test_a_content_editor_cannot_remove_safety_rules_by_deleting_their_technique(
    client, content_editor
):
    client.force_login(content_editor)
    technique = Technique.objects.get(slug="deep-tissue")
    rules = technique.condition_rules.count()

    response = client.post(
        reverse("admin:catalog_technique_delete", args=[technique.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert ConditionRule.objects.filter(technique=technique).count() == rules
