from types import MappingProxyType

from bookings.intake.profiles import ConditionRule, TechniqueProfile
from catalog.models import Technique, WarningPhrase

# The suggestion ----------------------------------------------------------------


def load_profiles() -> list[TechniqueProfile]:
    """The offered techniques' profiles, read in four queries whatever their number."""
    return [
        TechniqueProfile(
            slug=technique.slug,
            name=technique.name,
            summary=technique.summary,
            display_order=technique.display_order,
            pressure=technique.pressure,
            self_care=technique.reviewed_self_care,
            weights=MappingProxyType({w.answer: w.weight for w in technique.answer_weights.all()}),
            keywords=MappingProxyType(
                {k.keyword: k.weight for k in technique.keyword_weights.all()}
            ),
            rules=tuple(
                ConditionRule(condition=r.condition, effect=r.effect, reason=r.reason)
                for r in technique.condition_rules.all()
            ),
        )
        for technique in Technique.objects.active().with_indications()
    ]


def load_safety_profiles() -> list[TechniqueProfile]:
    """The offered techniques as the safety screen reads them (`safety.screen`: slug,
    name, order and condition rules; no suggestion weights), in one query: the booking
    steps screen every visitor's answers with these."""
    rows = (
        Technique.objects.active()
        .order_by("display_order", "name", "slug")
        .values_list(
            "slug",
            "name",
            "summary",
            "display_order",
            "pressure",
            "condition_rules__condition",
            "condition_rules__effect",
            "condition_rules__reason",
        )
    )
    fields: dict[str, tuple[str, str, int, str]] = {}
    rules: dict[str, list[ConditionRule]] = {}
    for slug, name, summary, order, pressure, condition, effect, reason in rows:
        fields[slug] = (name, summary, order, pressure)
        found = rules.setdefault(slug, [])
        if condition is not None:
            found.append(ConditionRule(condition=condition, effect=effect, reason=reason))
    return [
        TechniqueProfile(
            slug=slug,
            name=name,
            summary=summary,
            display_order=order,
            pressure=pressure,
            rules=tuple(sorted(rules[slug], key=lambda rule: rule.condition)),
        )
        for slug, (name, summary, order, pressure) in fields.items()
    ]


def warning_phrases() -> list[tuple[str, str]]:
    """Every (warning sign, phrase) clinical leads keep, for `screening.find_warning_phrases`."""
    return list(WarningPhrase.objects.order_by("sign", "phrase").values_list("sign", "phrase"))
