"""Reads the booking flow shares, returned as plain values."""

from types import MappingProxyType

from catalog.models import Technique

from .suggestion import ConditionRule, TechniqueProfile


def load_profiles() -> list[TechniqueProfile]:
    """The offered techniques' profiles, read in four queries whatever their number."""
    return [
        TechniqueProfile(
            slug=technique.slug,
            name=technique.name,
            summary=technique.summary,
            display_order=technique.display_order,
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
