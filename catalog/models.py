from collections.abc import Sequence
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length, Lower
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .vocabulary import (
    ANSWER_CHOICES,
    ANSWER_CODES,
    RULE_CONDITION_CHOICES,
    RULE_CONDITION_CODES,
    WARNING_SIGNS,
    Pressure,
    RuleEffect,
)

PRESSURE_CODES = [p.value for p in Pressure]
RULE_EFFECT_CODES = [e.value for e in RuleEffect]


class CodeField(models.CharField[str, str]):
    """A code from `catalog.vocabulary`, offered in forms and admin by its label.

    Labels are copy, not schema: renaming one must not write a migration. So the
    choices stay out of migrations (which record a plain CharField), and a check
    constraint on the model keeps the codes valid.
    """

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, "django.db.models.CharField", args, kwargs


class TechniqueQuerySet(models.QuerySet["Technique"]):
    def active(self) -> "TechniqueQuerySet":
        return self.filter(is_active=True)

    def with_lengths(self) -> "TechniqueQuerySet":
        return self.prefetch_related("lengths")

    def with_indications(self) -> "TechniqueQuerySet":
        """Everything the suggestion needs, in one query per table."""
        return self.prefetch_related("answer_weights", "keyword_weights", "condition_rules")


class Technique(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=240, help_text="One or two sentences for lists.")
    indications = models.TextField("what it is for")
    method = models.TextField("how it is done")
    what_to_expect = models.TextField("what to expect in a session")
    cautions = models.TextField(
        "when it is not advised",
        help_text="Plain-language cautions; the therapist always confirms before starting.",
    )
    pressure = CodeField(
        "usual pressure",
        max_length=10,
        choices=[(p.value, p.label) for p in Pressure],
        default=Pressure.MEDIUM.value,
    )
    is_active = models.BooleanField(
        "offered", default=True, help_text="Untick to hide it from the public site."
    )
    display_order = models.PositiveSmallIntegerField(default=0)
    self_care = models.TextField(
        "between sessions",
        blank=True,
        help_text="General self-care advice for between sessions: gentle movement, "
        "stretches, heat, posture. Modest and general, nothing that needs an assessment. "
        "Clients see it (with the suggestion and in the confirmation email) once a "
        "clinical lead has reviewed it; changing it asks for a new review.",
    )
    # Who reviewed the advice, by name (a staff account may be removed later), and when.
    self_care_reviewed_by = models.CharField(max_length=150, blank=True, editable=False)
    self_care_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TechniqueQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pressure__in=PRESSURE_CODES), name="technique_pressure_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:technique_detail", kwargs={"slug": self.slug})

    @property
    def reviewed_self_care(self) -> str:
        """The between-sessions advice clients may read: only once reviewed."""
        return self.self_care if self.self_care_reviewed_at else ""


class SessionLength(models.Model):
    technique = models.ForeignKey(Technique, on_delete=models.CASCADE, related_name="lengths")
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(15), MaxValueValidator(240)]
    )
    price = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["minutes"]
        constraints = [
            models.UniqueConstraint(
                fields=["technique", "minutes"], name="session_length_unique_per_technique"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=15, minutes__lte=240),
                name="session_length_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="session_length_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} minutes"


class ReliefMechanism(models.Model):
    """One of the ways massage eases back pain, for the explanatory page."""

    title = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    how_it_works = models.TextField()
    what_it_does = models.TextField("what the client notices")
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["display_order", "title"]
        verbose_name = "way massage relieves back pain"
        verbose_name_plural = "ways massage relieves back pain"

    def __str__(self) -> str:
        return self.title


WEIGHT_MIN = -10
WEIGHT_MAX = 10
WEIGHT_HELP = (
    "How strongly this points to the technique, from -10 (points away from it) "
    "to 10 (points strongly to it). The suggestion adds up the weights of every "
    "answer that matches."
)


class AnswerWeight(models.Model):
    """How much one intake answer points towards (or away from) a technique."""

    technique = models.ForeignKey(
        Technique, on_delete=models.CASCADE, related_name="answer_weights"
    )
    answer = CodeField(max_length=40, choices=ANSWER_CHOICES)
    weight = models.SmallIntegerField(
        validators=[MinValueValidator(WEIGHT_MIN), MaxValueValidator(WEIGHT_MAX)],
        help_text=WEIGHT_HELP,
    )

    class Meta:
        ordering = ["technique__display_order", "technique__name", "answer"]
        verbose_name = "answer weight"
        constraints = [
            models.UniqueConstraint(
                fields=["technique", "answer"], name="answer_weight_unique_per_technique"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=WEIGHT_MIN, weight__lte=WEIGHT_MAX),
                name="answer_weight_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(answer__in=ANSWER_CODES), name="answer_weight_answer_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_answer_display()} → {self.technique}: {self.weight:+d}"


class KeywordWeight(models.Model):
    """A word in the client's own description that points towards a technique."""

    technique = models.ForeignKey(
        Technique, on_delete=models.CASCADE, related_name="keyword_weights"
    )
    keyword = models.CharField(
        max_length=40,
        help_text=(
            'Lower case. Matches words that start with it, so "knot" also finds '
            '"knots" and "knotted".'
        ),
    )
    weight = models.SmallIntegerField(
        validators=[MinValueValidator(WEIGHT_MIN), MaxValueValidator(WEIGHT_MAX)],
        help_text=WEIGHT_HELP,
    )

    class Meta:
        ordering = ["technique__display_order", "technique__name", "keyword"]
        verbose_name = "keyword weight"
        constraints = [
            models.UniqueConstraint(
                fields=["technique", "keyword"], name="keyword_weight_unique_per_technique"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=WEIGHT_MIN, weight__lte=WEIGHT_MAX),
                name="keyword_weight_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(keyword=Lower("keyword")),
                name="keyword_weight_keyword_lower_case",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("keyword"), 2),
                name="keyword_weight_keyword_at_least_two_letters",
            ),
        ]

    def __str__(self) -> str:
        return f'"{self.keyword}" → {self.technique}: {self.weight:+d}'


class ConditionRule(models.Model):
    """What a health condition or a risk factor means for a technique, and why, in words
    clients read."""

    technique = models.ForeignKey(
        Technique, on_delete=models.CASCADE, related_name="condition_rules"
    )
    condition = CodeField("condition or risk factor", max_length=30, choices=RULE_CONDITION_CHOICES)
    effect = CodeField(max_length=20, choices=[(e.value, e.label) for e in RuleEffect])
    reason = models.CharField(
        max_length=300,
        help_text=(
            "Shown to the client. One or two calm, plain sentences on why; never a diagnosis."
        ),
    )
    # Who changed a safety rule, when, and what it said before and after.
    history = HistoricalRecords()

    class Meta:
        ordering = ["technique__display_order", "technique__name", "condition"]
        verbose_name = "health condition rule"
        constraints = [
            models.UniqueConstraint(
                fields=["technique", "condition"], name="condition_rule_unique_per_technique"
            ),
            models.CheckConstraint(
                condition=models.Q(condition__in=list(RULE_CONDITION_CODES)),
                name="condition_rule_condition_known",
            ),
            models.CheckConstraint(
                condition=models.Q(effect__in=RULE_EFFECT_CODES),
                name="condition_rule_effect_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="condition_rule_reason_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_condition_display()} → {self.technique}: {self.get_effect_display()}"


PHRASE_HELP = (
    "Words that, in a client's own description, may mean this warning sign. Whole words, "
    'any case or accents. End a word with * to match words that start with it ("tingl*" '
    'finds "tingling"); put ... between words to allow up to three words in between '
    '("control ... bladder" finds "control of my bladder"). A mention that is denied '
    '("no fever", "never lost control") does not count, unless the denial is part of the '
    'phrase itself ("no control ... bladder").'
)


class WarningPhrase(models.Model):
    """A way clients write a warning sign in their own words, so the description is screened."""

    sign = CodeField(max_length=30, choices=WARNING_SIGNS.form_choices)
    phrase = models.CharField(max_length=80, help_text=PHRASE_HELP)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sign", "phrase"]
        verbose_name = "warning phrase"
        constraints = [
            models.UniqueConstraint(fields=["sign", "phrase"], name="warning_phrase_unique"),
            models.CheckConstraint(
                condition=models.Q(sign__in=list(WARNING_SIGNS.codes)),
                name="warning_phrase_sign_known",
            ),
            models.CheckConstraint(
                condition=models.Q(phrase=Lower("phrase")),
                name="warning_phrase_phrase_lower_case",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("phrase"), 2),
                name="warning_phrase_phrase_at_least_two_letters",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_sign_display()}: “{self.phrase}”"
