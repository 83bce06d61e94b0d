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


def warning_phrases() -> list[tuple[str, str]]:
    """Every (warning sign, phrase) clinical leads keep, for `screening.find_warning_phrases`."""
    return list(WarningPhrase.objects.order_by("sign", "phrase").values_list("sign", "phrase"))
