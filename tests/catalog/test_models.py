import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from catalog.models import AnswerWeight, ConditionRule, Technique

pytestmark = pytest.mark.django_db

CODE_FIELDS = [
    (Technique, "pressure"),
    (AnswerWeight, "answer"),
    (ConditionRule, "condition"),
    (ConditionRule, "effect"),
]


@pytest.mark.parametrize(("model", "name"), CODE_FIELDS)
def test_labels_stay_out_of_migrations(model, name, monkeypatch):
    field = model._meta.get_field(name)
    assert field.choices
    assert "choices" not in field.deconstruct()[3]
    # Renaming every label writes no migration (makemigrations --check exits 1 if it would).
    monkeypatch.setattr(field, "choices", [(code, "Renamed") for code, _ in field.flatchoices])
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_the_database_refuses_codes_the_vocabulary_does_not_know():
    technique = Technique.objects.get(slug="swedish")
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerWeight.objects.create(technique=technique, answer="area:elbow", weight=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConditionRule.objects.create(technique=technique, condition="flu", effect="exclude")
    with pytest.raises(IntegrityError), transaction.atomic():
        Technique.objects.filter(pk=technique.pk).update(pressure="crushing")


def test_a_code_reads_as_its_label():
    rule = ConditionRule(technique=Technique(name="Swedish"), condition="dvt", effect="demote")
    assert rule.get_condition_display() == "A blood clot (DVT), now or in the past"
    assert rule.get_effect_display() == "Needs care: suggest it only after the others"
    assert Technique(pressure="firm").get_pressure_display() == "Firm"
