from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse


class Pressure(models.TextChoices):
    GENTLE = "gentle", "Gentle"
    MEDIUM = "medium", "Medium"
    FIRM = "firm", "Firm"


class TechniqueQuerySet(models.QuerySet["Technique"]):
    def active(self) -> "TechniqueQuerySet":
        return self.filter(is_active=True)

    def with_lengths(self) -> "TechniqueQuerySet":
        return self.prefetch_related("lengths")


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
    pressure = models.CharField(
        "usual pressure", max_length=10, choices=Pressure.choices, default=Pressure.MEDIUM
    )
    is_active = models.BooleanField(
        "offered", default=True, help_text="Untick to hide it from the public site."
    )
    display_order = models.PositiveSmallIntegerField(default=0)

    objects = TechniqueQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:technique_detail", kwargs={"slug": self.slug})


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
